import { HubRequestError } from "../api.ts";
import { errorKey } from "../logic/i18n.ts";
import type { AsyncState } from "../use-async.ts";
import { useI18n, type I18n } from "../i18n-context.tsx";

/**
 * What went wrong, in the user's language and chosen by the error's code: the server's own
 * (English, technical) text goes to the developer console, never onto the page.
 */
export function errorText(t: I18n["t"], error: unknown): string {
  if (!(error instanceof HubRequestError)) {
    console.error(error);
    return t("errorUNKNOWN");
  }
  console.warn(`hub: ${error.code}: ${error.message}`);
  const text = t(errorKey(error.code));
  return error.retryAfter ? `${text}${t("retryAfterSeconds", { seconds: error.retryAfter })}` : text;
}

/** Loading and error messages in a live region, so screen readers hear them too. */
export function AsyncStatus({
  state,
  retry,
  progress,
}: {
  state: AsyncState<unknown>;
  retry?: () => void;
  progress?: { done: number; total: number } | null;
}) {
  const { t } = useI18n();
  const code = state.status === "error" && state.error instanceof HubRequestError ? state.error.code : null;
  return (
    <div aria-live="polite" className="async-status">
      {state.status === "loading" && (
        <p className="loading">{progress ? t("loadingProgress", progress) : t("loading")}</p>
      )}
      {state.status === "error" && (
        <p className="error" role="alert" data-code={code ?? "UNKNOWN"}>
          {t("errorPrefix")}
          {errorText(t, state.error)}{" "}
          {retry && (
            <button type="button" onClick={retry}>
              {t("retry")}
            </button>
          )}
        </p>
      )}
    </div>
  );
}
