import { useId, useState } from "react";
import { runOperation } from "../api.ts";
import { AsyncStatus } from "../components/AsyncStatus.tsx";
import { DaysLeft } from "../components/DaysLeft.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import type { CoverageStatus } from "../logic/coverage-status.ts";
import { idNumberCheck } from "../logic/id-number.ts";
import { useI18n } from "../i18n-context.tsx";
import {
  ConsoleDoctorPatientsDocument,
  ConsoleNewbornWatchlistDocument,
  ConsolePatientByIdNumberDocument,
  ConsolePatientDocument,
  type ConsoleDoctorPatientsQuery,
  type ConsoleNewbornWatchlistQuery,
  type ConsolePatientDetailFragment,
} from "../operations/generated.ts";
import { useAsync, type AsyncState } from "../use-async.ts";
import { PatientDetail } from "./PatientDetail.tsx";

const PURPOSE = "family doctor insurance mobilisation";
const ID_NUMBER = /^\d{17}[\dX]$/;
const WATCH_WINDOWS = [30, 60, 90] as const;

interface PatientListing {
  childId: string | null;
  name: string;
  birthDate: string | null;
}

/**
 * A family doctor's page: find a contracted patient by ID number (asked of the hub) or by name
 * (searched in the doctor's own patient list), see the patient's coverage, deadline and code
 * window, immunizations and guardians; and the newborn watchlist.
 */
export function DoctorView({ token, doctor }: { token: string; doctor: string }) {
  const { t } = useI18n();
  const ids = { query: useId(), within: useId() };
  const [query, setQuery] = useState("");
  const [matches, setMatches] = useState<PatientListing[] | null>(null);
  const [searched, setSearched] = useState("");
  const [patient, setPatient] = useState<AsyncState<ConsolePatientDetailFragment | null> | null>(null);
  const [within, setWithin] = useState<number>(30);
  const [idProblem, setIdProblem] = useState<string | null>(null);

  const patients = useDoctorPatients(doctor, token);
  const [watchlist, retryWatchlist] = useAsync(
    () => runOperation(ConsoleNewbornWatchlistDocument, { withinDays: within, first: 100 }, token, PURPOSE),
    [within, token],
  );

  function open(load: () => Promise<ConsolePatientDetailFragment | null>) {
    setPatient({ status: "loading" });
    load().then(
      (value) => setPatient({ status: "done", value }),
      (error: unknown) =>
        setPatient({ status: "error", error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }
  const openChild = (id: string) =>
    open(async () => (await runOperation(ConsolePatientDocument, { id }, token, PURPOSE)).child);

  function find(event: { preventDefault(): void }) {
    event.preventDefault();
    const q = query.trim().toUpperCase();
    setSearched(query.trim());
    setIdProblem(null);
    if (q === "") return;
    if (ID_NUMBER.test(q)) {
      setMatches(null);
      // A mistyped number is caught here, in words, rather than sent and refused in English.
      const check = idNumberCheck(q);
      if (check && !check.ok) {
        setPatient(null);
        setIdProblem(t("idCheckCharacter", { expected: check.expected, got: check.got }));
        return;
      }
      open(
        async () =>
          (await runOperation(ConsolePatientByIdNumberDocument, { idNumber: q }, token, PURPOSE)).childByIdNumber,
      );
      return;
    }
    const found = patients.status === "done" ? patients.value.filter((p) => p.name.includes(query.trim())) : [];
    setMatches(found);
    setPatient(null);
    const only = found.length === 1 ? found[0]!.childId : null;
    if (only) openChild(only);
  }

  return (
    <main className="view doctor-view">
      <h1>{t("doctorTitle")}</h1>
      <section aria-labelledby="find-heading">
        <h2 id="find-heading">{t("findPatient")}</h2>
        <form role="search" onSubmit={find} className="filters">
          <div>
            <label htmlFor={ids.query}>{t("patientQuery")}</label>
            <input
              id={ids.query}
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              autoComplete="off"
              aria-invalid={idProblem ? true : undefined}
              aria-describedby={idProblem ? `${ids.query}-problem` : undefined}
            />
          </div>
          <button type="submit">{t("find")}</button>
        </form>
        {idProblem && (
          <p id={`${ids.query}-problem`} role="alert" className="error id-problem">
            {idProblem}
          </p>
        )}
        <AsyncStatus state={patients} />
        {matches !== null && <PatientMatches matches={matches} searched={searched} onOpen={openChild} />}
        {patient && <AsyncStatus state={patient} />}
        {patient?.status === "done" &&
          (patient.value ? (
            <PatientDetail patient={patient.value} />
          ) : (
            <p role="status">{t("noPatientFound", { query: searched })}</p>
          ))}
      </section>

      <section aria-labelledby="watch-heading" className="watchlist">
        <h2 id="watch-heading">{t("watchlistTitle")}</h2>
        <label htmlFor={ids.within}>{t("watchlistWithin")}</label>{" "}
        <select id={ids.within} value={String(within)} onChange={(e) => setWithin(Number(e.target.value))}>
          {WATCH_WINDOWS.map((d) => (
            <option key={d} value={String(d)}>
              {t("withinDays", { days: d })}
            </option>
          ))}
        </select>
        <AsyncStatus state={watchlist} retry={retryWatchlist} />
        {watchlist.status === "done" &&
          (watchlist.value.newbornWatchlist && watchlist.value.newbornWatchlist.edges.length > 0 ? (
            <WatchlistTable edges={watchlist.value.newbornWatchlist.edges} onOpen={openChild} />
          ) : (
            <p>{t("watchlistEmpty")}</p>
          ))}
      </section>
    </main>
  );
}

/** The doctor's whole patient list (pages of 500), for finding a patient by name. */
function useDoctorPatients(doctor: string, token: string): AsyncState<PatientListing[]> {
  const [patients] = useAsync(async () => {
    const list: PatientListing[] = [];
    let after: string | null = null;
    for (;;) {
      const data: ConsoleDoctorPatientsQuery = await runOperation(
        ConsoleDoctorPatientsDocument,
        { code: doctor, first: 500, after },
        token,
        PURPOSE,
      );
      const page = data.familyDoctor?.patients;
      if (!page) break;
      for (const { node } of page.edges)
        list.push({
          childId: node.child?.id ?? null,
          name: node.contract.patientName ?? "",
          birthDate: node.contract.patientBirthDate,
        });
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return list;
  }, [doctor, token]);
  return patients;
}

/** The patients a name search found; one not linked to a child cannot be opened. */
function PatientMatches({
  matches,
  searched,
  onOpen,
}: {
  matches: readonly PatientListing[];
  searched: string;
  onOpen: (childId: string) => void;
}) {
  const { t, fmt } = useI18n();
  return (
    <div aria-live="polite">
      {matches.length === 0 ? (
        <p>{t("noPatientFound", { query: searched })}</p>
      ) : (
        <>
          <p>{t("matches", { count: fmt.number(matches.length) })}</p>
          <ul className="matches">
            {matches.map((m, i) => (
              <li key={`${m.childId ?? "unlinked"}-${i}`}>
                <button type="button" disabled={m.childId === null} onClick={() => m.childId && onOpen(m.childId)}>
                  {m.name} · {m.birthDate ? fmt.date(m.birthDate) : "—"}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

type WatchlistEdge = NonNullable<ConsoleNewbornWatchlistQuery["newbornWatchlist"]>["edges"][number];

/** Newborns whose insurance deadline is near: status, deadline and days left, each openable. */
function WatchlistTable({ edges, onOpen }: { edges: readonly WatchlistEdge[]; onOpen: (childId: string) => void }) {
  const { t, fmt } = useI18n();
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">{t("colName")}</th>
          <th scope="col">{t("birthDate")}</th>
          <th scope="col">{t("colStatus")}</th>
          <th scope="col">{t("colDeadline")}</th>
          <th scope="col">{t("colDaysLeft")}</th>
          <th scope="col">
            <span className="visually-hidden">{t("open")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {edges.map(({ node }) => (
          <tr key={node.child.id}>
            <th scope="row">{node.child.name ?? "—"}</th>
            <td>{node.child.birthDate ? fmt.date(node.child.birthDate) : "—"}</td>
            <td>
              <StatusBadge status={node.coverage.status as CoverageStatus} />
            </td>
            <td>{node.coverage.deadline ? fmt.date(node.coverage.deadline) : "—"}</td>
            <td>
              <DaysLeft days={node.coverage.daysLeft} />
            </td>
            <td>
              <button type="button" onClick={() => onOpen(node.child.id)}>
                {t("open")}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
