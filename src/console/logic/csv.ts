/**
 * CSV for spreadsheets (RFC 4180): fields quoted when they hold a comma, quote or line break;
 * CRLF line ends; a UTF-8 byte-order mark so Excel reads Chinese names correctly. A cell that
 * starts like a formula (=, +, -, @, tab, CR) gets a leading apostrophe: an exported name must
 * never run as a spreadsheet formula on an office computer (CSV injection).
 *
 *   toCsv(["姓名", "状态"], [["王小明", "未参保"]]) // "\uFEFF姓名,状态\r\n王小明,未参保\r\n"
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A file name for an export: what, whose, and the date, safe on every file system.
 *
 *   csvFileName("uninsured", "2330106101", "2026-06-30") // "uninsured-2330106101-2026-06-30.csv"
 */
export function csvFileName(...parts: string[]): string {
  return `${parts
    .map((p) => p.replace(/[^\p{L}\p{N}_-]+/gu, "_"))
    .filter((p) => p !== "")
    .join("-")}.csv`;
}
