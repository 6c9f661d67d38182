import { useEffect, useState } from "react";
import { flushSync } from "react-dom";

/**
 * Whether the page is being printed (Ctrl+P, the 打印 button, or print media emulated): printed
 * lists render every row then, and only then, so a school of thousands does not keep a hidden
 * copy of its roster on screen. `beforeprint` is handled synchronously (flushSync): the browser
 * lays the page out for paper right after the event, before React would render on its own.
 */
export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => window.matchMedia("print").matches);
  useEffect(() => {
    const query = window.matchMedia("print");
    const set = (value: boolean) => flushSync(() => setPrinting(value));
    const before = () => set(true);
    const after = () => set(query.matches);
    const change = (event: MediaQueryListEvent) => set(event.matches);
    window.addEventListener("beforeprint", before);
    window.addEventListener("afterprint", after);
    query.addEventListener("change", change);
    return () => {
      window.removeEventListener("beforeprint", before);
      window.removeEventListener("afterprint", after);
      query.removeEventListener("change", change);
    };
  }, []);
  return printing;
}
