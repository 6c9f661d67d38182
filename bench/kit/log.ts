/** A progress line with the wall-clock time, on stderr so stdout keeps only the results. */
export function say(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}
