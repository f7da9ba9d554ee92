import type { Lang } from './i18n';

/**
 * How this browser shows the portal: the language, 长辈版, the sidebar beside the page (wide) or
 * in a drawer, and whether the system asked for less motion. Kept in a cookie as well, so that the
 * portal server renders the first page as this browser will show it (src/app.ts, ssr.tsx).
 */
export interface View {
  lang: Lang;
  elder: boolean;
  wide: boolean;
  still: boolean;
}

export const viewCookie = 'view';

/** The view in a cookie's value (`lang=en&elder=1&wide=0&still=0`); what is missing, as most browsers show it. */
export function parseView(value: string | undefined, guessWide = true): View {
  const v = new URLSearchParams(value ?? '');
  const flag = (name: string, otherwise: boolean) => (v.has(name) ? v.get(name) === '1' : otherwise);
  return {
    lang: v.get('lang') === 'en' ? 'en' : 'zh',
    elder: flag('elder', false),
    wide: flag('wide', guessWide),
    still: flag('still', false),
  };
}

export function formatView(view: View): string {
  const bit = (b: boolean) => (b ? '1' : '0');
  return new URLSearchParams({
    lang: view.lang,
    elder: bit(view.elder),
    wide: bit(view.wide),
    still: bit(view.still),
  }).toString();
}

export const sameView = (a: View, b: View) => formatView(a) === formatView(b);
