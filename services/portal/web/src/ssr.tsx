import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import { renderToString } from 'react-dom/server';
import { link } from './api';
import { App } from './app';
import { type Lang, translate } from './i18n';
import { firstPageSize } from './paging';
import type { Prerendered } from './prerendered';
import { FilingStatus, type Me, Role } from './proto';

/**
 * The server's entry (built by `vite build --ssr` into dist/server, used by src/app.ts): the
 * landing page rendered as the browser will render it first, so that it shows as soon as the HTML
 * and its styles have come, seconds before the scripts on a slow network.
 */
export { landingStyleId, prerenderedId, prerenderedJson } from './prerendered';
export { parseView, viewCookie } from './view';

/** What the landing page (pages/Home.tsx) asks for first: 我的办件, for an applicant whose profile is complete. */
export function landingRequests(me: Me | null): string[] {
  if (!me?.roles.includes('applicant') || !me.profileComplete) return [];
  return [link('/api/filing/filings', {}, { list: 'all', page: 1, pageSize: firstPageSize })];
}

/** The page's title in the language shown. */
export const pageTitle = (lang: Lang) => translate(lang, '作品自愿登记平台');

/** The page's HTML, and the theme's CSS variables antd would add at run time (as <style> elements). */
export function render(location: string, prerendered: Prerendered): { html: string; styles: string } {
  const cache = createCache();
  const html = renderToString(
    <StyleProvider cache={cache}>
      <App prerendered={prerendered} location={location} />
    </StyleProvider>,
  );
  return { html, styles: extractStyle(cache) };
}

/**
 * The states the landing page is drawn in, for the styles its first paint needs (src/build.ts): a
 * visitor, an applicant before and after 资料完善 with works of every status, staff of every role;
 * each in the standard mode and 长辈版, with the sidebar beside the page and in a drawer.
 */
export function landingStates(): Prerendered[] {
  const person = (roles: Me['roles'], profileComplete: boolean): Me => ({
    userId: '00000000-0000-4000-8000-000000000000',
    name: '张三',
    roles,
    profile: null,
    profileComplete,
    missing: [],
  });
  const work = (status: FilingStatus) => ({
    filingId: `00000000-0000-4000-8000-${String(FilingStatus.options.indexOf(status)).padStart(12, '0')}`,
    serialNo: '',
    title: '作品',
    status,
    appliedAt: '2026-01-01T00:00:00.000Z',
    holders: '张三',
    authors: '张三',
    actions: [],
  });
  // 我的办件 shows 5 works: one state per 5 statuses.
  const lists = [];
  for (let i = 0; i < FilingStatus.options.length; i += 5) {
    const items = FilingStatus.options.slice(i, i + 5).map(work);
    lists.push({ items, total: 20, page: 1, pageSize: firstPageSize });
  }
  const sessions = [
    { me: null, lists: [undefined] },
    { me: person(['applicant'], false), lists: [undefined] },
    { me: person(['applicant'], true), lists },
    { me: person(Role.options, true), lists: [{ items: [], total: 0, page: 1, pageSize: firstPageSize }] },
  ];
  const states: Prerendered[] = [];
  for (const { me, lists } of sessions) {
    for (const list of lists) {
      for (const elder of [false, true]) {
        for (const wide of [true, false]) {
          const answers = Object.fromEntries(landingRequests(me).map((url) => [url, list]));
          states.push({ view: { lang: 'zh', elder, wide, still: false }, me, answers });
        }
      }
    }
  }
  return states;
}
