/**
 * A one-line progress display for long jobs: redrawn in place on a terminal, a plain line every
 * 10% otherwise (so CI logs and redirected output stay readable).
 */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const started = performance.now();
  let lastDecile = -1;
  return {
    update(done: number, extra = "") {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
      const counts = `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`;
      const line = `${label} ${bar(fraction)} ${percent}  ${counts}  ${rate.toLocaleString("en-US")}/s ${extra}`;
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K`);
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${line}\n`);
        }
      }
    },
    done() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(fraction * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}
