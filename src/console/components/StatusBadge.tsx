import { badgeTone, type CoverageStatus } from "../logic/coverage-status.ts";
import { statusKey } from "../logic/i18n.ts";
import { useI18n } from "../i18n-context.tsx";

/** A coverage status as a coloured badge; the text carries the meaning, the colour only repeats it. */
export function StatusBadge({ status }: { status: CoverageStatus | null }) {
  const { t } = useI18n();
  if (status === null) return <span className="badge badge-unknown">—</span>;
  return (
    <span className={`badge badge-${badgeTone(status)}`} data-status={status}>
      {t(statusKey(status))}
    </span>
  );
}
