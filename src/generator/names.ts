import type { Random } from "./random.ts";

/**
 * Chinese names as registries see them. Surnames by rough frequency (the top of the 2020
 * census list); given names from characters common in children's names, by sex.
 */
const SURNAMES: readonly (readonly [string, number])[] = [
  ["王", 7.1],
  ["李", 7.0],
  ["张", 6.8],
  ["刘", 5.4],
  ["陈", 4.6],
  ["杨", 3.1],
  ["黄", 2.5],
  ["赵", 2.3],
  ["吴", 2.0],
  ["周", 1.9],
  ["徐", 1.5],
  ["孙", 1.4],
  ["马", 1.3],
  ["朱", 1.3],
  ["胡", 1.2],
  ["郭", 1.1],
  ["何", 1.1],
  ["林", 1.0],
  ["高", 1.0],
  ["罗", 0.9],
  ["郑", 0.9],
  ["梁", 0.8],
  ["谢", 0.7],
  ["宋", 0.7],
  ["唐", 0.7],
  ["许", 0.6],
  ["韩", 0.6],
  ["邓", 0.6],
  ["冯", 0.6],
  ["曹", 0.5],
  ["彭", 0.5],
  ["曾", 0.5],
  ["肖", 0.5],
  ["田", 0.5],
  ["董", 0.5],
  ["潘", 0.4],
  ["袁", 0.4],
  ["蔡", 0.4],
  ["蒋", 0.4],
  ["余", 0.4],
  ["于", 0.4],
  ["杜", 0.4],
  ["叶", 0.4],
  ["程", 0.4],
  ["魏", 0.3],
  ["苏", 0.3],
  ["吕", 0.3],
  ["丁", 0.3],
  ["任", 0.3],
  ["卢", 0.3],
  ["姚", 0.3],
  ["沈", 0.3],
  ["钟", 0.3],
  ["姜", 0.3],
  ["崔", 0.3],
  ["谭", 0.3],
  ["陆", 0.3],
  ["范", 0.2],
  ["汪", 0.2],
  ["廖", 0.2],
  ["石", 0.2],
  ["金", 0.2],
  ["韦", 0.2],
  ["贾", 0.2],
  ["夏", 0.2],
  ["付", 0.2],
  ["方", 0.2],
  ["邹", 0.2],
  ["熊", 0.2],
  ["白", 0.2],
  ["孟", 0.2],
  ["秦", 0.2],
  ["邱", 0.2],
  ["侯", 0.2],
  ["江", 0.2],
  ["尹", 0.2],
  ["薛", 0.2],
  ["闫", 0.2],
  ["段", 0.2],
  ["雷", 0.2],
  ["欧阳", 0.05],
  ["司马", 0.02],
  ["诸葛", 0.01],
];

const BOY_CHARS = "浩宇轩子梓睿涵俊博文杰泽辰昊然明一铭嘉晨天佑瑞航皓哲鑫磊鹏飞毅志强伟军华建国亮斌宏涛晟煜霖楷恒昕朗";
const GIRL_CHARS = "欣怡梓涵诗雨思萱可馨佳琪悦雅婷静丽娜敏颖慧芳晓彤妍若汐语桐心瑶紫菲琳梦洁雪倩婉蕾清月安然";

/**
 * Characters clerks confuse or that sound alike (同音/形近字): how the same child ends up
 * "王子轩" at the clinic and "王梓萱" at school.
 */
export const VARIANT_CHARACTERS: Readonly<Record<string, readonly string[]>> = {
  子: ["梓", "紫"],
  梓: ["子", "紫"],
  轩: ["萱", "宣"],
  萱: ["轩", "宣"],
  涵: ["含", "晗"],
  宇: ["雨", "语", "羽"],
  雨: ["宇", "语"],
  语: ["雨", "宇"],
  怡: ["仪", "宜"],
  欣: ["昕", "新", "馨"],
  馨: ["欣", "心"],
  心: ["馨", "欣"],
  琪: ["淇", "祺", "琦"],
  婷: ["亭", "庭"],
  静: ["婧", "靖"],
  丽: ["莉", "俪"],
  敏: ["民", "珉"],
  杰: ["洁", "捷"],
  洁: ["杰", "婕"],
  涛: ["韬", "滔"],
  明: ["铭", "鸣"],
  铭: ["明", "茗"],
  华: ["桦", "骅"],
  伟: ["玮", "炜"],
  军: ["君", "俊"],
  俊: ["骏", "峻"],
  浩: ["皓", "昊"],
  皓: ["浩", "昊"],
  昊: ["浩", "皓"],
  晨: ["辰", "宸"],
  辰: ["晨", "宸"],
  睿: ["锐", "瑞"],
  瑞: ["睿", "锐"],
  博: ["搏", "波"],
  文: ["雯", "闻"],
  泽: ["择", "则"],
  然: ["燃", "冉"],
  佳: ["嘉", "家"],
  嘉: ["佳", "家"],
  思: ["斯", "丝"],
  诗: ["施", "师"],
  悦: ["越", "玥"],
  彤: ["桐", "童"],
  桐: ["彤", "童"],
  妍: ["研", "言"],
  若: ["偌"],
  汐: ["夕", "希"],
  瑶: ["遥", "姚"],
  菲: ["霏", "非"],
  琳: ["林", "霖"],
  梦: ["孟", "蒙"],
  雪: ["学", "薛"],
  倩: ["茜", "芊"],
  清: ["青", "晴"],
  月: ["玥", "悦"],
  安: ["鞍"],
  一: ["依", "伊"],
  天: ["添"],
  佑: ["右", "祐"],
  航: ["行", "杭"],
  哲: ["喆", "浙"],
  鑫: ["新", "欣"],
  磊: ["垒"],
  鹏: ["朋", "彭"],
  飞: ["菲", "非"],
  毅: ["艺", "义"],
  志: ["智", "治"],
  强: ["蔷", "墙"],
  建: ["健", "剑"],
  国: ["帼"],
  亮: ["靓"],
  斌: ["彬", "滨"],
  宏: ["鸿", "弘"],
  晟: ["胜", "盛"],
  煜: ["昱", "钰"],
  霖: ["琳", "林"],
  楷: ["凯", "恺"],
  恒: ["衡", "珩"],
  昕: ["欣", "新"],
  朗: ["郎", "琅"],
  颖: ["莹", "影"],
  慧: ["惠", "蕙"],
  芳: ["方", "舫"],
  晓: ["小", "筱"],
  娜: ["纳"],
  雅: ["亚", "娅"],
  可: ["珂", "柯"],
  紫: ["子", "梓"],
  婉: ["宛", "菀"],
  蕾: ["蕊", "磊"],
};

/** Names a clerk writes before the child has one: they must never count as a name match. */
export const PLACEHOLDER_SUFFIXES = ["之子", "之女"] as const;
export const PLACEHOLDER_NAMES = ["婴儿", "男婴", "女婴"] as const;

export function pickSurname(rng: Random): string {
  return rng.weighted(SURNAMES);
}

export function pickGivenName(rng: Random, sex: "M" | "F"): string {
  const chars = sex === "M" ? BOY_CHARS : GIRL_CHARS;
  const first = chars[rng.int(0, chars.length - 1)]!;
  if (rng.chance(0.12)) return first; // one-character given names are common
  let second = chars[rng.int(0, chars.length - 1)]!;
  while (second === first) second = chars[rng.int(0, chars.length - 1)]!;
  return first + second;
}

/** An adult's name for a guardian. */
export function pickAdultName(rng: Random, sex: "M" | "F", surname = pickSurname(rng)): string {
  return surname + pickGivenName(rng, sex);
}

/** The same name as another clerk might have written it: one character swapped for a variant. */
export function transcriptionVariant(rng: Random, name: string, surnameLength: number): string {
  const positions: number[] = [];
  for (let i = surnameLength; i < name.length; i++) if (VARIANT_CHARACTERS[name[i]!]) positions.push(i);
  if (positions.length === 0) return name;
  const at = rng.pick(positions);
  const replacement = rng.pick(VARIANT_CHARACTERS[name[at]!]!);
  return name.slice(0, at) + replacement + name.slice(at + 1);
}

/** A placeholder a hospital or clinic writes for an unnamed newborn: "王之子", "婴儿". */
export function placeholderName(rng: Random, surname: string, sex: "M" | "F"): string {
  if (rng.chance(0.75)) return surname + (sex === "M" ? "之子" : "之女");
  return rng.pick(PLACEHOLDER_NAMES);
}
