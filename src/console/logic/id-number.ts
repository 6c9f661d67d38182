// The browser's copy of the MOD 11-2 rule (GB 11643; src/domain/id-number.ts holds the server's):
// the console imports nothing of the server, and tests/console/id-number.test.ts keeps the two equal.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = "10X98765432";

/**
 * The MOD 11-2 check character for the first 17 digits of a resident ID number.
 *
 *   checkCharacter("11010519491231002") // "X"
 */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/**
 * Whether something typed as an 18-character ID number ends in its check character, so a slip is
 * caught before anything is sent; null when the text is not shaped like an ID number at all.
 *
 *   idNumberCheck("110105194912310021") // { ok: false, expected: "X", got: "1" }
 */
export function idNumberCheck(text: string): { ok: true } | { ok: false; expected: string; got: string } | null {
  const id = text.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  const expected = checkCharacter(id.slice(0, 17));
  const got = id.charAt(17);
  return expected === got ? { ok: true } : { ok: false, expected, got };
}
