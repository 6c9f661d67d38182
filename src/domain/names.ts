/**
 * Names a clerk writes before a newborn has one ("王之子", "婴儿", "Baby boy"). They identify
 * nobody: they never count as a name match and never become a child's displayed name. A suffix
 * placeholder still carries the surname (王之子 → 王), which linkage uses for blocking.
 *
 *   isPlaceholderName("王之女") // true
 */
export const PLACEHOLDER_SUFFIXES = [
  "之子",
  "之女",
  "之男",
  "之婴",
  "婴儿",
  "男婴",
  "女婴",
  "宝宝",
  "小孩",
  "新生儿",
] as const;
export const PLACEHOLDER_WHOLE = /^(baby ?(boy|girl)?|infant|newborn|unknown|无名|未取名|未命名|不详)$/i;

export function isPlaceholderName(name: string | null | undefined): boolean {
  if (name == null) return true;
  const trimmed = name.normalize("NFKC").trim();
  if (trimmed === "") return true;
  if (PLACEHOLDER_WHOLE.test(trimmed)) return true;
  return PLACEHOLDER_SUFFIXES.some((suffix) => trimmed.endsWith(suffix));
}
