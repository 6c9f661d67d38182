import { isDeepStrictEqual } from "node:util";

/**
 * A value in a canonical form for comparing two answers to the same question: object keys
 * sorted, `undefined` dropped, numbers in strings left alone, and — when `unordered` — every
 * array sorted by its elements' canonical JSON (for lists whose order the two sides need not
 * share, such as a child's immunization records).
 *
 *   normalise({ b: [2, 1], a: 1 }, { unordered: true }) // { a: 1, b: [1, 2] }
 */
export function normalise(value: unknown, options: { unordered?: boolean } = {}): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalise(v, options));
    return options.unordered ? items.sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b))) : items;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v, options);
    }
    return out;
  }
  return value;
}

/**
 * The first place two answers differ, as a path and both values, or null when they are equal
 * after normalising.
 *
 *   firstDifference({ a: [1, 2] }, { a: [1, 3] }) // { path: "a[1]", left: 2, right: 3 }
 */
export function firstDifference(
  left: unknown,
  right: unknown,
  path = "",
): { path: string; left: unknown; right: unknown } | null {
  if (isDeepStrictEqual(left, right)) return null;
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const d = firstDifference(left[i], right[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (
    left !== null &&
    right !== null &&
    typeof left === "object" &&
    typeof right === "object" &&
    !Array.isArray(left) &&
    !Array.isArray(right)
  ) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) {
      const d = firstDifference(
        (left as Record<string, unknown>)[key],
        (right as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (d) return d;
    }
    return null;
  }
  return { path: path || "(root)", left, right };
}

/** Throws with the first difference unless the two answers are equal after normalising. */
export function assertSameAnswer(
  what: string,
  left: unknown,
  right: unknown,
  options: { unordered?: boolean } = {},
): void {
  const d = firstDifference(normalise(left, options), normalise(right, options));
  if (d)
    throw new Error(
      `${what}: the answers differ at ${d.path}: ${JSON.stringify(d.left)} vs ${JSON.stringify(d.right)}`,
    );
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
