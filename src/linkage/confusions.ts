/**
 * Characters that stand for one another in children's names as different clerks write them:
 * homophones (同音字: the clerk heard the name) and look-alikes (形近字: the clerk read a form).
 * Each string is one group; any two characters of a group are confusable. Groups are not
 * merged transitively, so 玉 can be confusable with 宇 and with 钰 without making 宇 and 钰 one.
 *
 * Kept here, in linkage, on purpose: this is the matcher's knowledge of real registries and
 * must not come from the synthetic data's generator.
 */
const CONFUSABLE_GROUPS: readonly string[] = [
  // homophones and near-homophones common in given names
  "子梓紫姿",
  "轩萱宣璇暄",
  "涵含晗寒函",
  "宇雨语羽禹予屿",
  "怡仪宜贻",
  "毅艺义亦奕忆逸",
  "欣昕新馨心鑫歆",
  "琪淇祺琦奇棋骐",
  "婷亭庭廷",
  "静婧靖晶菁",
  "丽莉俪",
  "敏民珉闽",
  "杰洁捷婕",
  "涛韬滔",
  "明铭鸣茗名",
  "华桦骅",
  "伟玮炜",
  "军君俊骏峻钧",
  "浩皓昊灏",
  "晨辰宸臣",
  "睿锐瑞",
  "博搏波柏",
  "文雯闻",
  "泽择则",
  "然燃冉",
  "佳嘉家",
  "思斯丝",
  "诗施师",
  "悦越玥月岳",
  "彤桐童瞳",
  "妍研言彦",
  "若偌",
  "汐夕希熙曦溪",
  "瑶遥姚",
  "菲霏非飞",
  "琳林霖",
  "梦孟蒙",
  "雪学薛",
  "倩茜芊",
  "清青晴",
  "安鞍",
  "一依伊衣",
  "天添",
  "佑右祐又",
  "航行杭",
  "哲喆浙",
  "磊垒蕾",
  "蕾蕊",
  "鹏朋彭",
  "志智治致",
  "强蔷墙",
  "建健剑",
  "国帼",
  "亮靓",
  "斌彬滨",
  "宏鸿弘",
  "晟胜盛",
  "煜昱钰玉",
  "楷凯恺",
  "恒衡珩",
  "朗郎琅",
  "颖莹影盈",
  "慧惠蕙",
  "芳方舫",
  "晓小筱",
  "娜纳",
  "雅亚娅",
  "可珂柯",
  "婉宛菀",
  "玉宇",
  "嘉家",
  // surnames written two ways
  "肖萧",
  "张章",
  "杨阳",
  "于余",
  "付傅",
  "闫阎",
  // look-alikes a clerk misreads on a handwritten form
  "己已巳",
  "未末",
  "日曰",
  "戊戌戍",
  "人入",
  "土士",
  "千干",
  "大太犬",
];

const PAIRS: ReadonlySet<string> = (() => {
  const pairs = new Set<string>();
  for (const group of CONFUSABLE_GROUPS) {
    const chars = [...group];
    for (const a of chars) for (const b of chars) if (a !== b) pairs.add(a + b);
  }
  return pairs;
})();

/**
 * Whether a clerk could have written `b` for `a` (or `a` for `b`) in a name.
 *
 * @example areConfusable("子", "梓") // true
 * @example areConfusable("子", "涵") // false
 */
export function areConfusable(a: string, b: string): boolean {
  return a === b || PAIRS.has(a + b);
}

/** Each character's representative: the first character of the first group it belongs to. */
const CANONICAL: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const group of CONFUSABLE_GROUPS) {
    const chars = [...group];
    for (const c of chars) if (!map.has(c)) map.set(c, chars[0]!);
  }
  return map;
})();

/**
 * A character's representative among the characters it is commonly confused with, for blocking:
 * 梓 and 子 block together. (Groups overlap, so this is coarser than `areConfusable` in places
 * and finer in others; blocking on two characters of the name makes up for it.)
 *
 * @example canonicalCharacter("梓") // "子"
 */
export function canonicalCharacter(c: string): string {
  return CANONICAL.get(c) ?? c;
}
