/**
 * Names a clerk writes before a newborn has one ("王之子", "婴儿", "Baby boy"). They identify
 * nobody: they never count as a name match and never become a child's displayed name.
 *
 *   isPlaceholderName("王之女") // true
 */
const PLACEHOLDER_EXACT = new Set(["婴儿", "男婴", "女婴", "新生儿", "baby", "baby boy", "baby girl", "unknown", "未知", "无名"]);
const PLACEHOLDER_SUFFIXES = ["之子", "之女", "之婴", "男婴", "女婴", "婴儿"];

export function isPlaceholderName(name: string | null | undefined): boolean {
  if (name == null) return true;
  const trimmed = name.trim().toLowerCase();
  if (trimmed === "") return true;
  if (PLACEHOLDER_EXACT.has(trimmed)) return true;
  return PLACEHOLDER_SUFFIXES.some((suffix) => trimmed.endsWith(suffix));
}
