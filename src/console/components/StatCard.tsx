import type { ReactNode } from "react";

/** One figure at the top of a page: a label, a big number and, below it, a line that explains it. */
export function StatCard({
  label,
  value,
  tone,
  detail,
}: {
  label: string;
  value: ReactNode;
  tone?: string;
  detail?: ReactNode;
}) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail ? <div className="stat-detail">{detail}</div> : null}
    </div>
  );
}
