import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '@copyreg/kit';
import type { Request } from 'express';
import { distDir, landingCss, serverEntry } from './build';

/** The view and the session as web/src/ssr.tsx takes them (kept loose here: the server does not compile the web app). */
type Me = { userId: string; roles: string[]; profileComplete?: boolean };
interface Ssr {
  parseView(value: string | undefined, guessWide: boolean): { lang: 'zh' | 'en'; elder: boolean };
  viewCookie: string;
  prerenderedId: string;
  prerenderedJson(data: unknown): string;
  landingRequests(me: Me | null): string[];
  render(location: string, data: unknown): { html: string; styles: string };
  pageTitle(lang: 'zh' | 'en'): string;
  landingStyleId: string;
}

/** A service's answer to one of the page's GETs, asked for with the visitor's cookie; throws when it has not answered within 2 s. */
async function get(c: Config, req: Request, url: string, lang: string): Promise<{ status: number; body: unknown }> {
  const service = /^\/api\/(identity|filing)\//.exec(url)?.[1];
  const port = service === 'identity' ? c.IDENTITY_PORT : c.FILING_PORT;
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    headers: {
      cookie: req.get('cookie') ?? '',
      'accept-language': lang === 'en' ? 'en' : 'zh-CN',
      'x-forwarded-for': req.ip ?? '',
    },
    // The page is never held back long by a slow service: the browser asks for itself then.
    signal: AbortSignal.timeout(2000),
  });
  return { status: res.status, body: res.ok ? await res.json() : undefined };
}

const cookieValue = (req: Request, name: string) =>
  (req.get('cookie') ?? '')
    .split(/;\s*/)
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** A cookie's value as written by the browser (encodeURIComponent); a malformed one counts as none. */
function decoded(value: string | undefined): string {
  try {
    return decodeURIComponent(value ?? '');
  } catch {
    return '';
  }
}

/**
 * The landing page rendered on the server (web/src/ssr.tsx), with the session and 我的办件 it shows
 * in it: on a slow network it shows after the HTML, not after ~450 KB of scripts (the browser then
 * takes it over, main.tsx). Its styles come in the page, only the rules its elements use (build.ts),
 * while the whole stylesheet loads after it. Undefined when the page cannot be rendered (no server build, a
 * service not answering): the app's page is served as before.
 */
export function landingRenderer(c: Config) {
  let ssr: Promise<Ssr> | undefined;
  let css: string | undefined;
  return async function render(req: Request, template: string): Promise<string | undefined> {
    const entry = path.join(distDir, serverEntry);
    if (!existsSync(entry)) return undefined;
    ssr ??= import(pathToFileURL(entry).href) as Promise<Ssr>;
    const m = await ssr;
    const view = m.parseView(
      decoded(cookieValue(req, m.viewCookie)),
      !/Mobi|Android/i.test(req.get('user-agent') ?? ''),
    );
    let me: Me | null;
    try {
      const session = await get(c, req, '/api/identity/me', view.lang);
      if (session.status === 401 || session.status === 404) me = null;
      else if (session.status === 200) me = session.body as Me;
      else return undefined;
    } catch {
      return undefined;
    }
    const answers: Record<string, unknown> = {};
    await Promise.all(
      m.landingRequests(me).map(async (url) => {
        const answer = await get(c, req, url, view.lang).catch(() => undefined);
        if (answer?.status === 200) answers[url] = answer.body;
      }),
    );
    const data = { view, me, answers };
    const { html, styles } = m.render('/', data);
    css ??= readFileSync(path.join(distDir, landingCss), 'utf8');
    // Replaced by functions: a `$` in a text (a work's title) is not a replacement pattern.
    const htmlAttributes = `lang="${view.lang === 'en' ? 'en' : 'zh-CN'}" data-app="server"${view.elder ? ' class="elder"' : ''}`;
    const root = `<div id="root">${html}</div><script type="application/json" id="${m.prerenderedId}">${m.prerenderedJson(data)}</script>`;
    return (
      template
        .replace('<html lang="zh-CN">', () => `<html ${htmlAttributes}>`)
        .replace(/<title>[^<]*<\/title>/, () => `<title>${m.pageTitle(view.lang)}</title>`)
        // The session is in the page: no request for it.
        .replace(/<link rel="preload" href="\/api\/identity\/me"[^>]*>/, '')
        .replace('</head>', () => `<style id="${m.landingStyleId}">${css}</style>${styles}</head>`)
        .replace(/<div id="root">[\s\S]*?<\/div><\/div><\/div>/, () => root)
    );
  };
}

export const readTemplate = () => readFileSync(path.join(distDir, 'index.html'), 'utf8');
