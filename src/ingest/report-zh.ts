/**
 * The reject report in Chinese, for the department staff who fix the rows (`npm run import`):
 * Chinese headings, the field by its Chinese name beside its column, and each reason in Chinese.
 * The file starts with a UTF-8 byte order mark: without one, Excel on Chinese Windows reads a
 * CSV file as GBK and shows every Chinese character as garbage.
 *
 * The reasons are the same rejections the English report and the API give (each written where
 * the rule is), translated here by their shape. A reason this table does not know yet keeps its
 * English text behind a Chinese note, so nothing a sender must fix is ever dropped.
 */

/** The report's first line: a byte order mark, then 行号, 记录编号, 字段, 原因. */
export const CHINESE_REPORT_HEADER = "\uFEFF行号,记录编号,字段,原因\n";

/** Every column of every record kind (src/ingest/kinds), and the two whole-line and whole-row markers. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  "(line)": "整行",
  "(row)": "整条记录",
  address: "地址",
  amount_fen: "金额（分）",
  annual_contribution_fen: "年缴费标准（分）",
  area_code: "统筹区代码",
  benefit_starts_on: "待遇开始日期",
  birth_certificate_number: "出生医学证明编号",
  birth_date: "出生日期",
  certificate_number: "出生医学证明编号",
  child_name: "儿童姓名",
  child_record_id: "儿童记录编号",
  class_name: "班级",
  coverage_year: "参保年度",
  doctor_code: "家庭医生编码",
  dose_number: "剂次",
  enrolled_on: "参保登记日期",
  enrollment_record_id: "参保记录编号",
  father_id_number: "父亲身份证号",
  father_name: "父亲姓名",
  given_on: "接种日期",
  grade: "年级",
  guardian_id_number: "监护人身份证号",
  guardian_name: "监护人姓名",
  guardian_phone: "监护人电话",
  hospital_code: "医院编码",
  household_number: "户号",
  hukou_address: "户籍地址",
  hukou_region_code: "户籍地区划代码",
  id_number: "身份证号",
  immunization_record_id: "接种档案编号",
  institution: "所属机构",
  insurance_type: "险种",
  issued_on: "签发日期",
  kind: "类别",
  mother_id_number: "母亲身份证号",
  mother_name: "母亲姓名",
  name: "姓名",
  needy_category: "困难类别",
  paid_on: "缴费日期",
  patient_birth_date: "签约对象出生日期",
  patient_id_number: "签约对象身份证号",
  patient_name: "签约对象姓名",
  patient_sex: "签约对象性别",
  payer_id_number: "缴费人身份证号",
  payer_kind: "缴费人类别",
  phone: "电话",
  record_id: "记录编号",
  region_code: "区划代码",
  registration_kind: "登记类别",
  relation: "关系",
  residence_permit_number: "居住证号",
  residence_region_code: "居住地区划代码",
  school_code: "学校标识码",
  school_year: "学年",
  sex: "性别",
  signed_on: "签约日期",
  site_code: "接种单位编码",
  status: "状态",
  student_number: "学籍号",
  team_name: "团队名称",
  vaccine_code: "疫苗编码",
  vaccine_name: "疫苗名称",
  valid_from: "有效期起",
  valid_until: "有效期止",
  window_closes: "参保缴费期截止",
  window_opens: "参保缴费期开始",
};

/** "sex（性别）": the column as the file names it, and what it is in Chinese. */
export function chineseFieldName(field: string): string {
  const name = FIELD_NAMES[field];
  if (!name) return field;
  return field.startsWith("(") ? name : `${field}（${name}）`;
}

type Translation = readonly [RegExp, (...groups: string[]) => string];

const REFUSED_BY_DATABASE = "；文件中其余各行已导入";

/**
 * The shapes of the rejections, most specific first. A message is matched whole (its tail, such
 * as "; the rest of the file was imported without this row", is translated separately).
 */
const TRANSLATIONS: readonly Translation[] = [
  [/^is required$/, () => "必填，但为空"],
  [/^is required when (.+)$/, (when) => `在以下情况下必填：${when}`],
  [/^must be a date like (\S+), but got (.+)$/, (like, got) => `应为日期，格式如 ${like}，实为 ${got}`],
  [/^must be a month and day like (\S+), but got (.+)$/, (like, got) => `应为月-日，格式如 ${like}，实为 ${got}`],
  [/^must be one of (.+), but got (.+)$/, (values, got) => `应为 ${values.split(", ").join("、")} 之一，实为 ${got}`],
  [
    /^must be a whole number from (-?\d+) to (-?\d+), but got (.+)$/,
    (a, b, got) => `应为 ${a} 至 ${b} 的整数，实为 ${got}`,
  ],
  [/^must be at most (\d+) characters, but has (\d+)$/, (max, has) => `最多 ${max} 个字符，实有 ${has} 个`],
  [
    /^must be an 11-digit mobile number starting with 1, but got (.+)$/,
    (got) => `应为以 1 开头的 11 位手机号，实为 ${got}`,
  ],
  [
    /^must be on or after (\S+) (\S+), but got (\S+)$/,
    (field, date, got) => `不得早于 ${chineseFieldName(field)} ${date}，实为 ${got}`,
  ],
  [/^must lie in (.+), but got (.+)$/, (scope, got) => `应位于 ${scope}，实为 ${got}`],
  [/^must be text, but got (.+)$/, (got) => `应为文本，实为 ${got}`],
  [/^is not a column of (\S+) \(expected (.+)\)$/, (kind, cols) => `不是 ${kind} 的列（应为 ${cols}）`],
  [
    /^must be a (\S+) that no other record holds \(it identifies one record\), but (.+) is already held(.*)$/,
    (field, value, rule) =>
      `${chineseFieldName(field)} 须唯一（用于识别一条记录），但 ${value} 已被其他记录使用${rule}`,
  ],
  [
    /^must be a (\S+) that no other record holds \(it identifies one record\), but the value is already held(.*)$/,
    (field, rule) => `${chineseFieldName(field)} 须唯一（用于识别一条记录），但该值已被其他记录使用${rule}`,
  ],
  [
    /^(.+) already appears at (.+) in this batch; (.+)$/,
    (value, at, rest) => `${value} 在本批次 ${at} 已出现；${rest}`,
  ],
  [
    /^is repeated on line (\d+), a later copy of the same record: .*$/,
    (line) => `同一记录在第 ${line} 行再次出现：文件中同一记录只导入最后一份，本行未导入`,
  ],
  [/^must be (.+), but got (.+)$/, (what, got) => `格式不符，应为 ${what}，实为 ${got}`],
  // Identifiers (src/domain): ID numbers, birth certificate numbers, student numbers.
  [
    /^resident ID number must end in its MOD 11-2 check character "(.)", but got "(.)"$/,
    (expected, got) => `身份证号校验位应为“${expected}”，实为“${got}”`,
  ],
  [
    /^resident ID number must be (\d+) characters long, but got (\d+)$/,
    (n, got) => `身份证号应为 ${n} 位，实为 ${got} 位`,
  ],
  [
    /^resident ID number must have a digit at position (\d+), but got (.+)$/,
    (i, got) => `身份证号第 ${i} 位应为数字，实为 ${got}`,
  ],
  [/^resident ID number must end in a digit or "X", but got (.+)$/, (got) => `身份证号末位应为数字或 X，实为 ${got}`],
  [
    /^resident ID number must have a real calendar date in positions 7–14, but got (.+)$/,
    (got) => `身份证号第 7–14 位应为真实日期，实为 ${got}`,
  ],
  [
    /^resident ID number must have a birth date on or (after|before) (\S+), but got (\S+)$/,
    (side, date, got) => `身份证号中的出生日期不得${side === "after" ? "早于" : "晚于"} ${date}，实为 ${got}`,
  ],
  [
    /^birth certificate number must (.+), but got (.+)$/,
    (what, got) => `出生医学证明编号格式不符（${what}），实为 ${got}`,
  ],
  [/^student number(?: [GJL])? must (.+), but got (.+)$/, (what, got) => `学籍号格式不符（${what}），实为 ${got}`],
  // Lines that are not rows at all (file-rows.ts).
  [/^is not UTF-8 text/, () => "不是 UTF-8 编码的文本：GBK/GB18030 文件请用 --encoding gbk 导入，或另存为“CSV UTF-8”"],
  [/^is not (GBK|GB18030) text/, (encoding) => `不是 ${encoding} 编码的文本（含有该编码中不存在的字节）`],
  [
    /^is ([\d,]+) bytes long, over the limit of ([\d,]+) bytes/,
    (size, max) => `本行长 ${size} 字节，超过每行 ${max} 字节的上限，未读取`,
  ],
  [/^has (\d+) fields, but the header has (\d+)/, (n, m) => `本行有 ${n} 个字段，但表头有 ${m} 个`],
  [
    /^has a quote that is never closed/,
    () => '引号未闭合：字段中的引号须成对，并将整个字段用引号括起（如 "a ""b"" c"）',
  ],
  [/^has a quote inside an unquoted field \(field (\d+)\)/, (n) => `第 ${n} 个字段未加引号却含有引号`],
  [/^has text after the closing quote of field (\d+)/, (n) => `第 ${n} 个字段的结束引号后还有文字`],
  [/^is not valid JSON/, () => "不是有效的 JSON：NDJSON 文件每行应为一个 JSON 对象"],
  [/^must be one JSON object per line, but got (.+)$/, (got) => `每行应为一个 JSON 对象，实为 ${got}`],
  [
    /^must not contain a control character .*, but has (U\+[0-9A-F]+) at character (\d+)/,
    (code, at) => `不得含有控制字符，但第 ${at} 个字符为 ${code}`,
  ],
  // What the database refused (failure.ts): the rule's name is kept, the value never shown.
  [/^breaks a rule the database keeps on (?:this record|this field)(.*)$/, (rule) => `违反数据库规则${rule}`],
  [/^names a record the database does not hold(.*)$/, (rule) => `引用的记录在数据库中不存在${rule}`],
  [/^holds a character the database cannot store/, () => "含有数据库无法存储的字符"],
  [/^is longer than the database stores/, () => "超过数据库允许的长度"],
  [/^is a number outside the range the database stores/, () => "数字超出数据库允许的范围"],
  [/^is required: the database keeps no record without it(.*)$/, (rule) => `必填：数据库不接受缺少此项的记录${rule}`],
  [
    /^holds a value that another record already holds where the database keeps one record per value(.*)$/,
    (rule) => `含有已被其他记录使用的值（数据库要求唯一）${rule}`,
  ],
];

/** " (the database's rule x)" → "（数据库规则 x）", anywhere in a translated reason. */
function translateRule(text: string): string {
  return text.replace(/ \(the database's rule ([\w.]+)\)/g, "（数据库规则 $1）");
}

/**
 * A rejection's reason in Chinese; one this table does not know keeps its English text.
 *
 *   chineseReason('must be a date like 2026-06-30, but got "2026-13-01"')
 *   // '应为日期，格式如 2026-06-30，实为 "2026-13-01"'
 */
export function chineseReason(message: string): string {
  let text = message;
  let tail = "";
  const rest = "; the rest of the file was imported without this row";
  if (text.endsWith(rest)) {
    text = text.slice(0, -rest.length);
    tail = REFUSED_BY_DATABASE;
  }
  for (const [pattern, render] of TRANSLATIONS) {
    const match = pattern.exec(text);
    if (match) return translateRule(render(...match.slice(1))) + tail;
  }
  return `（原文）${message}`;
}

/** A rejection as the Chinese report writes it: the same line and record, the field and reason in Chinese. */
export function chineseRejection<R extends { field: string; message: string }>(rejection: R): R {
  return { ...rejection, field: chineseFieldName(rejection.field), message: chineseReason(rejection.message) };
}
