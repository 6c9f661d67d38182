import { useEffect, useMemo, useState } from "react";
import { sessionRenewed, setUnauthenticatedHandler } from "./api.ts";
import { CAPABILITIES } from "./logic/capabilities.ts";
import { readTokenClaims } from "./logic/claims.ts";
import { LOCALES, pickLocale, roleKey, type Locale } from "./logic/i18n.ts";
import { I18nContext, makeI18n } from "./i18n-context.tsx";
import { DoctorView } from "./views/DoctorView.tsx";
import { RegionView } from "./views/RegionView.tsx";
import { SchoolView } from "./views/SchoolView.tsx";
import { SignIn } from "./views/SignIn.tsx";

// The token lives in this tab only (sessionStorage): closing the tab signs out.
const TOKEN_KEY = "hub-console-token";
const LOCALE_KEY = "hub-console-locale";
const LOCALE_NAMES: Readonly<Record<Locale, string>> = { "zh-CN": "中文", en: "English" };

export function App() {
  const [locale, setLocale] = useState<Locale>(() => pickLocale(localStorage.getItem(LOCALE_KEY)));
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const i18n = useMemo(() => makeI18n(locale), [locale]);
  const { t } = i18n;

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t("appTitle");
    localStorage.setItem(LOCALE_KEY, locale);
  }, [locale, t]);

  // A token that expired (by its claims, or because the hub answered UNAUTHENTICATED) keeps the
  // page where it is, under a sign-in dialog: signing in again reloads the same view, filters
  // and region kept, with the new token.
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    setUnauthenticatedHandler(() => setRefused(sessionStorage.getItem(TOKEN_KEY)));
    return () => setUnauthenticatedHandler(null);
  }, []);
  const claims = token ? readTokenClaims(token) : null;
  const expired =
    (token !== null && refused === token) ||
    (claims?.ok === true && claims.claims.expiresAt !== undefined && claims.claims.expiresAt * 1000 <= Date.now());
  const signIn = (value: string) => {
    sessionStorage.setItem(TOKEN_KEY, value);
    setToken(value);
    setRefused(null);
    // After React has rendered the views with the new token: then their loads retry with it.
    setTimeout(sessionRenewed, 0);
  };
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
  };

  let body;
  if (!token || !claims?.ok) body = <SignIn onSignIn={signIn} />;
  else {
    const { role, scope } = claims.claims;
    const capabilities = CAPABILITIES[role];
    if (capabilities.view === "school" && scope.schools?.length)
      body = <SchoolView token={token} schools={scope.schools} />;
    else if (capabilities.view === "doctor" && scope.doctor) body = <DoctorView token={token} doctor={scope.doctor} />;
    else if (capabilities.view === "region" && scope.region)
      body = <RegionView token={token} scopeRegion={scope.region} capabilities={capabilities} />;
    else
      body = (
        <main className="view">
          <p role="status">{t("noViewForRole", { role: t(roleKey(role)) })}</p>
        </main>
      );
  }

  return (
    <I18nContext.Provider value={i18n}>
      <header className="top-bar">
        <span className="app-title">{t("appTitle")}</span>
        <div className="top-actions">
          <div role="group" aria-label={t("language")} className="language">
            {LOCALES.map((l) => (
              <button key={l} type="button" lang={l} aria-pressed={l === locale} onClick={() => setLocale(l)}>
                {LOCALE_NAMES[l]}
              </button>
            ))}
          </div>
          {claims?.ok && !expired && (
            <>
              <span className="who" data-role={claims.claims.role}>
                {t("signedInAs", { role: t(roleKey(claims.claims.role)) })}
              </span>
              <button type="button" onClick={signOut}>
                {t("signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      {body}
      {expired && <SignIn onSignIn={signIn} expired />}
    </I18nContext.Provider>
  );
}
