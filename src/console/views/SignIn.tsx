import { useEffect, useId, useState } from "react";
import { bareToken, readTokenClaims, type Role } from "../logic/claims.ts";
import { roleKey } from "../logic/i18n.ts";
import { useI18n } from "../i18n-context.tsx";

interface DemoIdentity {
  role: Role;
  subject: string;
  scope: Record<string, unknown>;
  token: string;
}

/** The roles the demo list offers, in the order people look for them. */
const DEMO_ORDER: readonly Role[] = [
  "school_admin",
  "family_doctor",
  "analyst",
  "insurance_officer",
  "household_officer",
  "health_officer",
  "education_officer",
];

/**
 * Sign-in: in the demo, one button per demo identity the server offers; always, a field for a
 * bearer token from the department's single sign-on (see README, "Console" → OIDC).
 */
export function SignIn({ onSignIn }: { onSignIn: (token: string) => void }) {
  const { t } = useI18n();
  const tokenId = useId();
  const helpId = useId();
  const [demo, setDemo] = useState<DemoIdentity[]>([]);
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    fetch("/console/demo-identities.json")
      .then((r) => (r.ok ? (r.json() as Promise<{ identities: DemoIdentity[] }>) : { identities: [] }))
      .then((body) =>
        setDemo(
          body.identities
            .filter((i) => DEMO_ORDER.includes(i.role))
            .sort((a, b) => DEMO_ORDER.indexOf(a.role) - DEMO_ORDER.indexOf(b.role)),
        ),
      )
      .catch(() => setDemo([]));
  }, []);

  function submit(event: { preventDefault(): void }) {
    event.preventDefault();
    const claims = readTokenClaims(token);
    if (!claims.ok) return setProblem(t(claims.problem === "role" ? "tokenRole" : "tokenShape"));
    setProblem(null);
    onSignIn(bareToken(token));
  }

  return (
    <main className="sign-in">
      <h1>{t("signInTitle")}</h1>
      {demo.length > 0 && (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">{t("demoIdentities")}</h2>
          <p className="muted">{t("demoExplain")}</p>
          <ul className="identity-list">
            {demo.map((identity) => (
              <li key={identity.role}>
                <button
                  type="button"
                  className="identity"
                  data-role={identity.role}
                  onClick={() => onSignIn(identity.token)}
                >
                  <strong>{t(roleKey(identity.role))}</strong>
                  <span className="muted">{scopeText(identity.scope)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form onSubmit={submit} className="token-form">
        <label htmlFor={tokenId}>{t("tokenLabel")}</label>
        <textarea
          id={tokenId}
          aria-describedby={helpId}
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <p id={helpId} className="muted">
          {t("tokenHelp")}
        </p>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <button type="submit">{t("signIn")}</button>
      </form>
    </main>
  );
}

function scopeText(scope: Record<string, unknown>): string {
  return Object.entries(scope)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join(" · ");
}
