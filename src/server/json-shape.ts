/**
 * The shape of a JSON text, measured on its bytes before JSON.parse sees it: how deep it nests,
 * and whether an object holds more members than allowed. JSON.parse is the costly step for the
 * bodies an attacker sends (a 1 MB body of nested brackets takes V8 about 200 ms to parse, an
 * object of 50,000 keys about 50 ms); this scan is one pass over the bytes and stops at the
 * first excess, so such a body is refused in a few milliseconds.
 *
 *   jsonShapeExcess(Buffer.from('{"variables": {"f": [[[[1]]]]}}'), { maxDepth: 4, maxMembers: 100 })
 *   // → { kind: "depth", depth: 5 }
 *
 * The text need not be valid JSON: the scan only counts brackets and commas outside strings,
 * and whatever it lets through is parsed (and refused, if broken) as before.
 */
export type JsonShapeExcess = { kind: "depth"; depth: number } | { kind: "members" };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export function jsonShapeExcess(
  text: Uint8Array,
  limits: { maxDepth: number; maxMembers: number },
): JsonShapeExcess | null {
  // For each open bracket: -1 for an array, else the commas seen so far in that object.
  const open: number[] = [];
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        open.push(byte === OPEN_OBJECT ? 0 : -1);
        if (open.length > limits.maxDepth) return { kind: "depth", depth: open.length };
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        open.pop();
        break;
      case COMMA: {
        const top = open.length - 1;
        // n commas separate n + 1 members.
        if (top >= 0 && open[top]! >= 0 && ++open[top]! + 1 > limits.maxMembers) return { kind: "members" };
        break;
      }
      default:
        break;
    }
  }
  return null;
}
