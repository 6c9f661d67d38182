import { useI18n } from "../i18n-context.tsx";
import { todayOnThisComputer } from "../logic/dates.ts";

/**
 * The title a printed list carries (hidden on screen): what it is, whose, and as of when. The
 * page numbers come from the print stylesheet's @page counters (styles.css).
 */
export function PrintHeading({ title, detail }: { title: string; detail?: string }) {
  const { t, fmt } = useI18n();
  return (
    <header className="print-heading print-only" data-print-title={title}>
      <h2>{title}</h2>
      <p>
        {detail ? `${detail} · ` : ""}
        {t("printedOn", { date: fmt.date(todayOnThisComputer()) })}
      </p>
    </header>
  );
}
