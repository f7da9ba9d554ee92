import { zodErrorMap } from '@copyreg/proto/src/error-map';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import { en } from './i18n-en';
import { usePrerendered } from './prerendered';

/**
 * The portal's two languages. The code is written in Chinese, the portal's language, and the text
 * is the key: t('作品填报') is '作品填报' or 'File a work'. Every string the portal shows goes
 * through t() (the English dictionary is i18n-en.ts; a test checks that each t('…') in the code
 * has its English), and `{name}` in a string is filled from the second argument:
 * t('共 {n} 条', { n: 3 }). Labels of the contracts' enumerations come from useLabels()
 * (labels.ts), the services' messages from the request's Accept-Language or, when a service
 * answers in Chinese only, from failureText().
 */
export type Lang = 'zh' | 'en';
export type Vars = Record<string, string | number>;

const fill = (text: string, vars?: Vars) =>
  vars ? text.replace(/\{(\w+)\}/g, (whole, k: string) => (k in vars ? String(vars[k]) : whole)) : text;

/** A Chinese text in the language asked for (the Chinese itself when the dictionary lacks it). */
export function translate(lang: Lang, zh: string, vars?: Vars): string {
  return fill(lang === 'en' ? (en[zh] ?? zh) : zh, vars);
}

/** The language chosen last on this browser (kept in localStorage), outside React (api.ts). */
export const storedLang = (): Lang => (localStorage.getItem('lang') === 'en' ? 'en' : 'zh');

/** Validation messages of the contracts' schemas (the forms' zod rules) and dayjs's words in the language shown. */
const setLibraryLocales = (lang: Lang) => {
  z.config({ localeError: zodErrorMap(lang) });
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
};

const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'zh', setLang: () => {} });

export function LangProvider({ children }: { children: ReactNode }) {
  const pre = usePrerendered();
  const [lang, setLangState] = useState<Lang>(() => pre?.view.lang ?? storedLang());
  setLibraryLocales(lang);
  useEffect(() => {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    document.title = translate(lang, '作品自愿登记平台');
  }, [lang]);
  const value = useMemo(
    () => ({
      lang,
      setLang: (l: Lang) => {
        localStorage.setItem('lang', l);
        setLangState(l);
      },
    }),
    [lang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang() {
  return useContext(LangContext);
}

export type T = (zh: string, vars?: Vars) => string;

/** t('作品填报') → '作品填报' or 'File a work'; stable while the language stays. */
export function useT(): T {
  const { lang } = useLang();
  return useCallback((zh: string, vars?: Vars) => translate(lang, zh, vars), [lang]);
}

/** Dates and times as people of the language write them. */
export const localeOf = (lang: Lang) => (lang === 'en' ? 'en-GB' : 'zh-CN');

/** A translated sentence with <b>…</b> in it, the bold parts in bold: <Rich text={t(sentence)} />. */
export function Rich({ text }: { text: string }) {
  const parts = text.split(/<b>(.*?)<\/b>/);
  return <>{parts.map((p, i) => (i % 2 ? <b key={String(i)}>{p}</b> : p))}</>;
}

/** Marks a Chinese text kept in a constant for translation where it is shown (t(constant)). */
export const tk = (zh: string) => zh;
