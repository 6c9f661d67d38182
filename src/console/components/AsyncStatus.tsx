import type { AsyncState } from "../use-async.ts";
import { useI18n } from "../i18n-context.tsx";

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
  return (
    <div aria-live="polite" className="async-status">
      {state.status === "loading" && (
        <p className="loading">{progress ? t("loadingProgress", progress) : t("loading")}</p>
      )}
      {state.status === "error" && (
        <p className="error" role="alert">
          {t("errorPrefix")}
          {state.error.message}{" "}
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
