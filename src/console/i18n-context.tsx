import { createContext, useContext } from "react";
import { formatters, translate, type Formatters, type Locale, type MessageKey } from "./logic/i18n.ts";

export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string;
  fmt: Formatters;
}

export function makeI18n(locale: Locale): I18n {
  return { locale, t: (key, params) => translate(locale, key, params), fmt: formatters(locale) };
}

export const I18nContext = createContext<I18n>(makeI18n("zh-CN"));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
