import { useState } from "react";
import { runOperation } from "../api.ts";
import { AsyncStatus } from "../components/AsyncStatus.tsx";
import { CoverageChart, type ChartRow } from "../components/CoverageChart.tsx";
import { StatCard } from "../components/StatCard.tsx";
import type { Capabilities } from "../logic/capabilities.ts";
import { drillTarget, groupingFor, regionLevel, regionTrail, type RegionLevel } from "../logic/region-drill.ts";
import { compareToTarget, rateMeetsTarget } from "../logic/targets.ts";
import { useI18n } from "../i18n-context.tsx";
import {
  ConsoleRegionSummaryDocument,
  ConsoleSchoolNamesDocument,
  type ConsoleRegionSummaryQuery,
  type ConsoleSchoolNamesQuery,
} from "../operations/generated.ts";
import { useAsync } from "../use-async.ts";
import { GapList } from "./GapList.tsx";
import { LinkReviewQueue } from "./LinkReviewQueue.tsx";

const PURPOSE = "coverage statistics";
/** The API's largest page (MAX_PAGE_SIZE): asking more is refused, not capped. */
const SCHOOL_PAGE = 500;

/**
 * Coverage of the viewer's region against the policy targets, as a chart and a table, one
 * level down at a time: province → cities → counties → schools. Roles that may see individual
 * children also get the gap list; officers who may decide links, the review queue.
 */
export function RegionView({
  token,
  scopeRegion,
  capabilities,
}: {
  token: string;
  scopeRegion: string;
  capabilities: Capabilities;
}) {
  const { t, fmt } = useI18n();
  const [region, setRegion] = useState(scopeRegion);
  const groupBy = groupingFor(region);

  const [summary, retry] = useAsync(async () => {
    const data = await runOperation(ConsoleRegionSummaryDocument, { region, groupBy }, token, PURPOSE);
    // School-level figures are keyed by school code: fetch the names to show beside them, a page
    // of SCHOOL_PAGE at a time (the API's largest page), as many pages as the county has.
    const names = new Map<string, string>();
    if (groupBy === "SCHOOL") {
      const wanted = new Set(data.coverageSummary?.groups.flatMap((g) => (g.key && !g.label ? [g.key] : [])) ?? []);
      let after: string | null = null;
      while (wanted.size > names.size) {
        const page: ConsoleSchoolNamesQuery | null = await runOperation(
          ConsoleSchoolNamesDocument,
          { region, first: SCHOOL_PAGE, after },
          token,
          PURPOSE,
        ).catch(() => null);
        for (const { node } of page?.schools?.edges ?? []) names.set(node.code, node.name);
        if (!page?.schools?.pageInfo.hasNextPage) break;
        after = page.schools.pageInfo.endCursor ?? null;
      }
    }
    return { data, names };
  }, [region, token]);

  const trailNames = REGION_NAMES;
  const value = summary.status === "done" ? summary.value : null;
  const cs = value?.data.coverageSummary ?? null;
  if (cs?.total.label) trailNames.set(region, cs.total.label);
  if (cs)
    for (const g of cs.groups)
      if (g.key && g.label && drillTarget(region, g.key)) trailNames.set(drillTarget(region, g.key)!, g.label);
  // A group without a key is the children whose residence is not known: the API labels it, and
  // the console names it even where an older server does not.
  const labelOf = (key: string | null, label: string | null) =>
    key ? (label ?? value?.names.get(key) ?? key) : (label ?? t("unknownResidence"));
  const rows: ChartRow[] = (cs?.groups ?? []).map((g) => ({
    key: g.key ?? "none",
    label: labelOf(g.key, g.label),
    insuredRate: g.suppressed ? null : g.insuredRate,
    newbornInsuredRate: g.suppressed ? null : g.newbornInsuredRate,
  }));
  const level = regionLevel(region);

  return (
    <main className="view region-view">
      <h1>{t("regionTitle")}</h1>
      <nav aria-label={t("breadcrumb")} className="breadcrumbs">
        <ol>
          {regionTrail(scopeRegion, region).map((r) => (
            <li key={r}>
              {r === region ? (
                <span aria-current="page">{trailNames.get(r) ?? `${t("region")} ${r}`}</span>
              ) : (
                <button type="button" className="link" onClick={() => setRegion(r)}>
                  {trailNames.get(r) ?? `${t("region")} ${r}`}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <AsyncStatus state={summary} retry={retry} />
      {cs && (
        <>
          <p className="muted">
            {t("coverageYear", { year: cs.coverageYear })} · {t("asOf", { date: fmt.date(cs.asOf) })}
          </p>
          <RegionStats summary={cs} />
          <CoverageChart
            rows={rows}
            overallTarget={cs.targets.overallInsuredRate}
            newbornTarget={cs.targets.newbornInsuredRate}
            title={t("chartTitle", { level: t(`level${level}`) })}
          />
          <RegionTable summary={cs} region={region} level={level} labelOf={labelOf} onDrill={setRegion} />
        </>
      )}
      {capabilities.gapList && (
        <GapList token={token} region={region} regionName={trailNames.get(region) ?? `${t("region")} ${region}`} />
      )}
      {capabilities.linkReviews && <LinkReviewQueue token={token} region={region} />}
    </main>
  );
}

type CoverageSummary = NonNullable<ConsoleRegionSummaryQuery["coverageSummary"]>;

/** The region's totals: children, insured, and the rates beside their targets. */
function RegionStats({ summary: cs }: { summary: CoverageSummary }) {
  const { t, fmt } = useI18n();
  const { total, targets } = cs;
  const overallTarget = t("overallTarget", { rate: fmt.percent(targets.overallInsuredRate) });
  const newbornTarget = t("newbornTarget", { rate: fmt.percent(targets.newbornInsuredRate) });
  return (
    <div className="stats">
      <StatCard label={t("children")} value={fmt.number(total.children ?? 0)} />
      <StatCard label={t("insured")} value={fmt.number(total.insured ?? 0)} />
      <StatCard
        label={`${t("insuredRate")} (${overallTarget})`}
        value={total.insuredRate === null ? "—" : fmt.percent(total.insuredRate)}
        tone={rateMeetsTarget(total.insuredRate, targets.overallInsuredRate) ? "ok" : "gap"}
      />
      <StatCard
        label={`${t("newbornRate")} (${newbornTarget})`}
        value={total.newbornInsuredRate === null ? "—" : fmt.percent(total.newbornInsuredRate)}
        tone={rateMeetsTarget(total.newbornInsuredRate, targets.newbornInsuredRate) ? "ok" : "gap"}
      />
      <StatCard
        label={t("newbornWindowRate")}
        value={total.newbornWithinWindowRate === null ? "—" : fmt.percent(total.newbornWithinWindowRate)}
      />
    </div>
  );
}

/**
 * The groups one level down, each against the overall target (with the shortfall when below);
 * a group that is a region (not a suppressed one) is a button that drills into it.
 */
function RegionTable({
  summary: cs,
  region,
  level,
  labelOf,
  onDrill,
}: {
  summary: CoverageSummary;
  region: string;
  level: RegionLevel;
  labelOf: (key: string | null, label: string | null) => string;
  onDrill: (region: string) => void;
}) {
  const { t, fmt } = useI18n();
  return (
    <table className="data-table region-table">
      <caption className="visually-hidden">{t("chartTitle", { level: t(`level${level}`) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("group")}</th>
          <th scope="col">{t("children")}</th>
          <th scope="col">{t("insured")}</th>
          <th scope="col">{t("insuredRate")}</th>
          <th scope="col">{t("newbornRate")}</th>
          <th scope="col">{t("overallTarget", { rate: fmt.percent(cs.targets.overallInsuredRate) })}</th>
        </tr>
      </thead>
      <tbody>
        {cs.groups.map((g) => {
          const target = drillTarget(region, g.key);
          const name = labelOf(g.key, g.label);
          const comparison =
            g.suppressed || g.children === null || g.insured === null
              ? null
              : compareToTarget({ children: g.children, insured: g.insured }, cs.targets.overallInsuredRate);
          return (
            <tr key={g.key ?? "none"} data-group={g.key ?? ""}>
              <th scope="row">
                {target && !g.suppressed ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => onDrill(target)}
                    aria-label={t("drillDown", { name })}
                  >
                    {name}
                  </button>
                ) : (
                  name
                )}
              </th>
              {g.suppressed ? (
                <td colSpan={5} className="muted">
                  {t("suppressed")}
                </td>
              ) : (
                <>
                  <td>{fmt.number(g.children ?? 0)}</td>
                  <td>{fmt.number(g.insured ?? 0)}</td>
                  <td>{g.insuredRate === null ? "—" : fmt.percent(g.insuredRate)}</td>
                  <td>{g.newbornInsuredRate === null ? "—" : fmt.percent(g.newbornInsuredRate)}</td>
                  <td className={comparison?.met ? "ok" : "gap"}>
                    {comparison
                      ? comparison.met
                        ? t("meetsTarget")
                        : `${t("belowTarget")} · ${t("shortfall", { count: fmt.number(comparison.shortfall) })}`
                      : "—"}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Names of the regions visited, for the breadcrumbs: each summary names the groups it lists. */
const REGION_NAMES = new Map<string, string>();
