import { useId, useState } from "react";
import { runOperation } from "../api.ts";
import { AsyncStatus } from "../components/AsyncStatus.tsx";
import { DaysLeft } from "../components/DaysLeft.tsx";
import { PrintHeading } from "../components/PrintHeading.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { COVERAGE_STATUSES, GAP_REASONS, type CoverageStatus, type GapReason } from "../logic/coverage-status.ts";
import { actorKey, reasonKey, statusKey } from "../logic/i18n.ts";
import { useI18n } from "../i18n-context.tsx";
import { ConsoleGapListDocument, type ConsoleGapListQuery, type ResponsibleActor } from "../operations/generated.ts";
import { useAsync } from "../use-async.ts";
import { todayOnThisComputer } from "../logic/dates.ts";

type GapEdge = NonNullable<ConsoleGapListQuery["coverageGaps"]>["edges"][number];
const PAGE_SIZE = 50;
const PURPOSE = "insurance gap follow-up";

/** The gap list of a region (for roles that may see individual children): filter, then load more. */
export function GapList({ token, region, regionName }: { token: string; region: string; regionName: string }) {
  const { t, fmt } = useI18n();
  const ids = { status: useId(), reason: useId() };
  const [status, setStatus] = useState<CoverageStatus | "">("");
  const [reason, setReason] = useState<GapReason | "">("");
  const [extra, setExtra] = useState<{ edges: GapEdge[]; endCursor: string | null; hasNextPage: boolean } | null>(null);

  const filter = { region, ...(status ? { status } : {}), ...(reason ? { reason } : {}) };
  const [first, retry] = useAsync(async () => {
    setExtra(null);
    return runOperation(ConsoleGapListDocument, { filter, first: PAGE_SIZE }, token, PURPOSE);
  }, [region, status, reason, token]);

  const firstPage = first.status === "done" ? first.value.coverageGaps : null;
  const edges = [...(firstPage?.edges ?? []), ...(extra?.edges ?? [])];
  const pageInfo =
    extra ??
    (firstPage ? { hasNextPage: firstPage.pageInfo.hasNextPage, endCursor: firstPage.pageInfo.endCursor } : null);

  async function loadMore() {
    if (!pageInfo?.endCursor) return;
    const data = await runOperation(
      ConsoleGapListDocument,
      { filter, first: PAGE_SIZE, after: pageInfo.endCursor },
      token,
      PURPOSE,
    );
    const page = data.coverageGaps;
    if (page)
      setExtra((e) => ({
        edges: [...(e?.edges ?? []), ...page.edges],
        endCursor: page.pageInfo.endCursor,
        hasNextPage: page.pageInfo.hasNextPage,
      }));
  }

  return (
    <section aria-labelledby="gaps-heading" className="gap-list">
      <h2 id="gaps-heading" className="screen-only">
        {t("gapListTitle")}{" "}
        {firstPage?.totalCount != null && (
          <span className="muted">{t("gapListTotal", { total: fmt.number(firstPage.totalCount) })}</span>
        )}
      </h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor={ids.status}>{t("filterStatus")}</label>
          <select id={ids.status} value={status} onChange={(e) => setStatus(e.target.value as CoverageStatus | "")}>
            <option value="">{t("anyStatus")}</option>
            {COVERAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(statusKey(s))}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.reason}>{t("filterReason")}</label>
          <select id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value as GapReason | "")}>
            <option value="">{t("anyReason")}</option>
            {GAP_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(reasonKey(r))}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => window.print()}>
          {t("print")}
        </button>
      </form>
      <AsyncStatus state={first} retry={retry} />
      {firstPage && (
        <>
          <PrintHeading
            title={t("printGapTitle", { region: regionName, date: fmt.date(todayOnThisComputer()) })}
            detail={
              firstPage.totalCount != null ? t("gapListTotal", { total: fmt.number(firstPage.totalCount) }) : undefined
            }
          />
          <table className="data-table gap-table">
            <thead>
              <tr>
                <th scope="col">{t("colName")}</th>
                <th scope="col">{t("colIdNumber")}</th>
                <th scope="col">{t("colResidence")}</th>
                <th scope="col">{t("colStatus")}</th>
                <th scope="col">{t("colReasons")}</th>
                <th scope="col">{t("colDaysLeft")}</th>
                <th scope="col">{t("colResponsible")}</th>
              </tr>
            </thead>
            <tbody>
              {edges.map(({ node }) => (
                <GapRow key={node.child.id} node={node} />
              ))}
            </tbody>
          </table>
          {pageInfo?.hasNextPage && (
            <button type="button" className="screen-only" onClick={() => void loadMore()}>
              {t("loadMore")}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/**
 * Who should act, by name: "西湖区第一小学（学校）", "西湖区（医保经办机构）". The code only where the
 * hub knows no name for it, and the kind alone where the role may read neither name nor code.
 */
function ResponsibleUnit({
  actor,
  name,
  code,
}: {
  actor: ResponsibleActor | null;
  name: string | null;
  code: string | null;
}) {
  const { t } = useI18n();
  if (!actor) return <>—</>;
  const kind = t(actorKey(actor));
  if (name) return <>{t("responsibleUnit", { name, actor: kind })}</>;
  return (
    <>
      {kind} {code && <span className="muted mono">{code}</span>}
    </>
  );
}

/** One child of the gap list: who, where, what status and why, by when, and who should act. */
function GapRow({ node }: { node: GapEdge["node"] }) {
  const { t } = useI18n();
  return (
    <tr data-child={node.child.id}>
      <th scope="row" className="name-cell">
        {node.child.name ?? "—"}
      </th>
      <td className="mono">{node.child.idNumber ?? "—"}</td>
      <td className="nowrap" title={node.child.residenceRegionCode ?? undefined}>
        {node.residenceRegionName ?? node.child.residenceRegionCode ?? t("unknownResidence")}
      </td>
      <td>
        <StatusBadge status={node.coverage.status as CoverageStatus} />
      </td>
      <td>{(node.coverage.reasons ?? []).map((r) => t(reasonKey(r as GapReason))).join("、")}</td>
      <td>{node.coverage.daysLeft === null ? "—" : <DaysLeft days={node.coverage.daysLeft} />}</td>
      <td className="responsible" title={node.coverage.responsibleCode ?? undefined}>
        <ResponsibleUnit
          actor={node.coverage.responsibleActor}
          name={node.responsibleName}
          code={node.coverage.responsibleCode}
        />
      </td>
    </tr>
  );
}
