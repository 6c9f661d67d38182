import { useState } from "react";
import { runOperation } from "../api.ts";
import { AsyncStatus, errorText } from "../components/AsyncStatus.tsx";
import { reviewTerm } from "../logic/i18n.ts";
import { useI18n } from "../i18n-context.tsx";
import {
  ConsoleLinkReviewsDocument,
  ConsoleResolveLinkReviewDocument,
  type ConsoleReviewedRecordFragment,
} from "../operations/generated.ts";
import { useAsync } from "../use-async.ts";

const PURPOSE = "link review";

/** The open link reviews of the region, with the masked evidence, for officers who may decide them. */
export function LinkReviewQueue({ token, region }: { token: string; region: string }) {
  const { t, fmt, locale } = useI18n();
  const [decided, setDecided] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [reviews, retry] = useAsync(
    () => runOperation(ConsoleLinkReviewsDocument, { region, first: 20 }, token, PURPOSE),
    [region, token],
  );

  async function decide(id: string, decision: "SAME_CHILD" | "DIFFERENT_CHILDREN") {
    try {
      await runOperation(ConsoleResolveLinkReviewDocument, { id, decision }, token, PURPOSE);
      setDecided((d) => ({ ...d, [id]: decision }));
      setFailure(null);
    } catch (error) {
      setFailure(errorText(t, error));
    }
  }

  const edges = reviews.status === "done" ? (reviews.value.linkReviews?.edges ?? []) : [];
  return (
    <section aria-labelledby="reviews-heading" className="reviews">
      <h2 id="reviews-heading">
        {t("reviewsTitle")}{" "}
        {reviews.status === "done" && reviews.value.linkReviews?.totalCount != null && (
          <span className="muted">({fmt.number(reviews.value.linkReviews.totalCount)})</span>
        )}
      </h2>
      <AsyncStatus state={reviews} retry={retry} />
      {failure && (
        <p role="alert" className="error">
          {t("errorPrefix")}
          {failure}
        </p>
      )}
      {reviews.status === "done" && edges.length === 0 && <p>{t("reviewsEmpty")}</p>}
      <ul className="review-list">
        {edges.map(({ node }) => (
          <li key={node.id} className="review">
            <p>
              <strong>
                {t("reviewScore")}: {fmt.number(Math.round(node.score * 100) / 100)}
              </strong>{" "}
              <span className="muted">{node.reason ? reviewTerm(locale, node.reason) : ""}</span>
            </p>
            <div className="review-records">
              <RecordCard title={t("reviewRecord")} record={node.record} />
              <RecordCard title={t("reviewCandidate")} record={node.candidateRecord} />
            </div>
            <p className="muted">
              {t("reviewFields")}:{" "}
              {node.fields.map((f) => `${reviewTerm(locale, f.field)}：${reviewTerm(locale, f.level)}`).join(" · ")}
            </p>
            {decided[node.id] ? (
              <p role="status">{t("reviewDone")}</p>
            ) : (
              <div className="actions">
                <button type="button" onClick={() => void decide(node.id, "SAME_CHILD")}>
                  {t("sameChild")}
                </button>
                <button type="button" onClick={() => void decide(node.id, "DIFFERENT_CHILDREN")}>
                  {t("differentChildren")}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RecordCard({ title, record }: { title: string; record: ConsoleReviewedRecordFragment | null }) {
  const { t, fmt, locale } = useI18n();
  return (
    <dl className="record-card" aria-label={title}>
      <dt>
        {title}
        {record && <span className="muted"> · {reviewTerm(locale, record.source)}</span>}
      </dt>
      <dd>
        {record ? (
          <>
            {record.name ?? "—"} · {record.sex ? reviewTerm(locale, record.sex) : "—"} ·{" "}
            {record.birthDate ? fmt.date(record.birthDate) : "—"}
            <br />
            <span className="mono">{record.maskedIdNumber ?? record.maskedBirthCertificateNumber ?? "—"}</span> ·{" "}
            {record.maskedGuardianPhones.join(", ")} · {record.regionCodes.join(", ")}
          </>
        ) : (
          t("noData")
        )}
      </dd>
    </dl>
  );
}
