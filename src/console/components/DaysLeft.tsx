import { urgencyOf } from "../logic/dates.ts";
import { useI18n } from "../i18n-context.tsx";

/** Days to a deadline, coloured by how close it is; negative means overdue. */
export function DaysLeft({ days }: { days: number | null }) {
  const { t, fmt } = useI18n();
  if (days === null) return <span>—</span>;
  return (
    <span className={`days days-${urgencyOf(days)}`}>
      {days < 0 ? t("daysOverdue", { days: fmt.number(-days) }) : t("daysLeftValue", { days: fmt.number(days) })}
    </span>
  );
}
