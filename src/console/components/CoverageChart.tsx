import { rateMeetsTarget } from "../logic/targets.ts";
import { useI18n } from "../i18n-context.tsx";

export interface ChartRow {
  key: string;
  label: string;
  insuredRate: number | null;
  newbornInsuredRate: number | null;
}

const ROW_HEIGHT = 34;
const LABEL_WIDTH = 150;
const BAR_WIDTH = 460;
const RIGHT_MARGIN = 70;
const TOP = 28;

/**
 * Insured rate per group as horizontal bars on a 0–100% scale, with the overall target as a
 * dashed line; beneath each bar a thin one for newborns insured in their year of birth, with
 * that target's tick. Plain SVG: no chart library, nothing fetched. The table beside it holds
 * the same figures for screen readers, so the drawing itself is one labelled image.
 */
export function CoverageChart({
  rows,
  overallTarget,
  newbornTarget,
  title,
}: {
  rows: readonly ChartRow[];
  overallTarget: number;
  newbornTarget: number;
  title: string;
}) {
  const { t, fmt } = useI18n();
  const height = TOP + rows.length * ROW_HEIGHT + 24;
  const width = LABEL_WIDTH + BAR_WIDTH + RIGHT_MARGIN;
  const x = (rate: number) => LABEL_WIDTH + Math.max(0, Math.min(1, rate)) * BAR_WIDTH;
  return (
    <figure className="chart">
      <svg
        role="img"
        aria-labelledby="chart-title"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: `${width}px` }}
        data-testid="coverage-chart"
      >
        <title id="chart-title">{title}</title>
        {[0, 0.25, 0.5, 0.75, 1].map((tick) => (
          <g key={tick}>
            <line x1={x(tick)} x2={x(tick)} y1={TOP - 6} y2={height - 20} className="grid" />
            <text x={x(tick)} y={height - 6} textAnchor="middle" className="axis">
              {fmt.percent(tick)}
            </text>
          </g>
        ))}
        {rows.map((row, i) => {
          const y = TOP + i * ROW_HEIGHT;
          const met = rateMeetsTarget(row.insuredRate, overallTarget);
          const newbornMet = rateMeetsTarget(row.newbornInsuredRate, newbornTarget);
          return (
            <g key={row.key} data-group={row.key}>
              <text x={LABEL_WIDTH - 8} y={y + 14} textAnchor="end" className="label">
                {row.label}
              </text>
              {row.insuredRate !== null ? (
                <>
                  <rect
                    x={LABEL_WIDTH}
                    y={y}
                    width={x(row.insuredRate) - LABEL_WIDTH}
                    height={18}
                    className={met ? "bar bar-met" : "bar bar-below"}
                  />
                  <text x={x(row.insuredRate) + 4} y={y + 14} className="value">
                    {fmt.percent(row.insuredRate)}
                  </text>
                </>
              ) : (
                <text x={LABEL_WIDTH + 4} y={y + 14} className="value muted">
                  {t("suppressed")}
                </text>
              )}
              {row.newbornInsuredRate !== null && (
                <rect
                  x={LABEL_WIDTH}
                  y={y + 21}
                  width={x(row.newbornInsuredRate) - LABEL_WIDTH}
                  height={5}
                  className={newbornMet ? "bar-thin bar-met" : "bar-thin bar-below"}
                />
              )}
              <line x1={x(newbornTarget)} x2={x(newbornTarget)} y1={y + 19} y2={y + 28} className="target-tick" />
            </g>
          );
        })}
        <line x1={x(overallTarget)} x2={x(overallTarget)} y1={TOP - 10} y2={height - 20} className="target" />
        <text x={x(overallTarget)} y={TOP - 14} textAnchor="middle" className="target-label">
          {t("target")} {fmt.percent(overallTarget)}
        </text>
      </svg>
      <ChartLegend overallTarget={overallTarget} newbornTarget={newbornTarget} />
    </figure>
  );
}

/** What the bar colours mean, and the two targets. */
function ChartLegend({ overallTarget, newbornTarget }: { overallTarget: number; newbornTarget: number }) {
  const { t, fmt } = useI18n();
  const overall = t("overallTarget", { rate: fmt.percent(overallTarget) });
  const newborn = t("newbornTarget", { rate: fmt.percent(newbornTarget) });
  return (
    <figcaption className="legend">
      <span className="swatch bar-met" /> {t("meetsTarget")} <span className="swatch bar-below" /> {t("belowTarget")}
      {" · "}
      {overall} · {newborn}
    </figcaption>
  );
}
