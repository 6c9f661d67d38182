import type { Page } from "../logic/roster.ts";
import { useI18n } from "../i18n-context.tsx";

/** Previous / next buttons for a client-side page of rows, with where we are. */
export function Pager({ page, onPage, label }: { page: Page<unknown>; onPage: (page: number) => void; label: string }) {
  const { t, fmt } = useI18n();
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={() => onPage(page.page - 1)} disabled={page.page <= 1}>
        {t("previousPage")}
      </button>
      <span>{t("pageOf", { page: fmt.number(page.page), pages: fmt.number(page.pages) })}</span>
      <button type="button" onClick={() => onPage(page.page + 1)} disabled={page.page >= page.pages}>
        {t("nextPage")}
      </button>
      <span className="muted">
        {t("showing", { from: fmt.number(page.from), to: fmt.number(page.to), total: fmt.number(page.total) })}
      </span>
    </nav>
  );
}
