import { useEffect, useId, useRef, useState, type ReactNode } from "react";
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
 * bearer token from the department's single sign-on (see README, "Console" → OIDC). With
 * `expired`, a dialog over the page the session ended on: signing in again keeps that page.
 */
export function SignIn({ onSignIn, expired = false }: { onSignIn: (token: string) => void; expired?: boolean }) {
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

  const Frame = expired ? ExpiredDialog : SignInPage;
  return (
    <Frame>
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
    </Frame>
  );
}

function SignInPage({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <main className="sign-in">
      <h1>{t("signInTitle")}</h1>
      {children}
    </main>
  );
}

function ExpiredDialog({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land in the dialog, not behind it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <section role="dialog" aria-modal="true" aria-labelledby={headingId} className="sign-in session-expired">
        <h2 id={headingId} ref={heading} tabIndex={-1}>
          {t("sessionExpired")}
        </h2>
        <p role="alert">{t("sessionExpiredHelp")}</p>
        {children}
      </section>
    </div>
  );
}

function scopeText(scope: Record<string, unknown>): string {
  return Object.entries(scope)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join(" · ");
}
