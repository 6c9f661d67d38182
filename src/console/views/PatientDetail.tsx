import { DaysLeft } from "../components/DaysLeft.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import type { CoverageStatus, GapReason } from "../logic/coverage-status.ts";
import { daysBetween } from "../logic/dates.ts";
import { actionKey, actorKey, reasonKey } from "../logic/i18n.ts";
import { suggestedAction } from "../logic/suggested-action.ts";
import { useI18n } from "../i18n-context.tsx";
import type { ConsolePatientDetailFragment } from "../operations/generated.ts";

/** One patient: coverage with deadline and code window, immunizations, guardians (as policy allows). */
export function PatientDetail({ patient }: { patient: ConsolePatientDetailFragment }) {
  const { t, fmt } = useI18n();
  const coverage = patient.coverage;
  const action = coverage
    ? suggestedAction(coverage.status as CoverageStatus, (coverage.reasons ?? []) as GapReason[])
    : null;
  return (
    <section className="patient" aria-labelledby="patient-name">
      <h2 id="patient-name">
        {patient.name ?? "—"} <span className="muted mono">{patient.idNumber ?? ""}</span>
      </h2>
      <dl className="facts">
        <dt>{t("birthDate")}</dt>
        <dd>{patient.birthDate ? fmt.date(patient.birthDate) : "—"}</dd>
        <dt>{t("colStatus")}</dt>
        <dd>
          <StatusBadge status={(coverage?.status ?? null) as CoverageStatus | null} />
          {coverage?.reasons && coverage.reasons.length > 0 && (
            <span className="muted"> {coverage.reasons.map((r) => t(reasonKey(r as GapReason))).join("、")}</span>
          )}
        </dd>
        <dt>{t("deadline")}</dt>
        <dd data-field="deadline">{coverage?.deadline ? fmt.date(coverage.deadline) : "—"}</dd>
        <dt>{t("daysLeft")}</dt>
        <dd data-field="days-left">
          <DaysLeft days={coverage?.daysLeft ?? null} />
        </dd>
        <dt>{t("codeWindow")}</dt>
        <dd data-field="code-window">
          {coverage?.codeWindowEndsOn ? (
            <>
              {fmt.date(coverage.codeWindowEndsOn)} (
              <DaysLeft days={daysBetween(coverage.asOf, coverage.codeWindowEndsOn)} />)
            </>
          ) : (
            "—"
          )}
        </dd>
        {coverage?.waitingPeriodMonths ? (
          <>
            <dt>{t("waitingPeriod")}</dt>
            <dd>{t("waitingMonths", { months: fmt.number(coverage.waitingPeriodMonths) })}</dd>
          </>
        ) : null}
        {action && (
          <>
            <dt>{t("colAction")}</dt>
            <dd>
              {t(actionKey(action))}
              {coverage?.responsibleActor && <span className="muted"> ({t(actorKey(coverage.responsibleActor))})</span>}
            </dd>
          </>
        )}
      </dl>

      <h3>{t("immunizations")}</h3>
      {patient.immunizations === null ? (
        <p className="muted">{t("notShown")}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("vaccine")}</th>
              <th scope="col">{t("dose")}</th>
              <th scope="col">{t("givenOn")}</th>
              <th scope="col">{t("site")}</th>
            </tr>
          </thead>
          <tbody>
            {patient.immunizations.flatMap((record, i) =>
              record.doses.map((dose) => (
                <tr key={`${i}-${dose.vaccineName}-${dose.doseNumber}-${dose.givenOn}`}>
                  <td>{dose.vaccineName}</td>
                  <td>{fmt.number(dose.doseNumber)}</td>
                  <td>{fmt.date(dose.givenOn)}</td>
                  <td>{record.site?.name ?? "—"}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}

      <h3>{t("guardians")}</h3>
      {patient.guardians === null ? (
        <p className="muted">{t("notShown")}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("relation")}</th>
              <th scope="col">{t("colName")}</th>
              <th scope="col">{t("phone")}</th>
            </tr>
          </thead>
          <tbody>
            {patient.guardians.map((g) => (
              <tr key={`${g.relation}-${g.name}`}>
                <td>{t(`relation${g.relation}`)}</td>
                <td>{g.name}</td>
                <td className="mono">{g.phone ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
