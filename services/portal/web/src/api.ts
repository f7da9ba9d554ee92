import createClient from 'openapi-fetch';
import type { paths as CertificatePaths } from './api-types/certificate';
import type { paths as FilingPaths } from './api-types/filing';
import type { paths as IdentityPaths } from './api-types/identity';
import type { paths as PaymentPaths } from './api-types/payment';
import type { paths as SignaturePaths } from './api-types/signature';
import { storedLang, translate } from './i18n';
import type { ErrorBody } from './proto';

/** A refusal from a service, with its code, message (Chinese) and the fields at fault. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody['error'],
  ) {
    super(body.message);
  }
  get code() {
    return this.body.code;
  }
}

type Query = Record<string, unknown>;

/** The query string without the empty filters (undefined or ''), as the services expect it. */
function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params.toString();
}

/** Dispatched on window after a command succeeded: what shows counts (the sidebar's badges) reloads them. */
export const COMMAND_DONE = 'copyreg:command-done';

/**
 * GETs sent ahead of their page: a list is asked for when the pointer or the keyboard is on its
 * sidebar link, not once the page has rendered after the click (under a slow CPU that render takes
 * longer than the answer). The page's own request takes the answer once, within 5 s; a command
 * drops them all, as it may have changed the lists.
 */
const early = new Map<string, { at: number; answer: Promise<Response | undefined> }>();
const EARLY_MS = 5000;

export function getEarly(path: keyof Paths, query: Query): void {
  const url = new URL(link(path, {}, query), location.href).href;
  const sent = early.get(url);
  if (sent && Date.now() - sent.at < EARLY_MS) return;
  const headers = { 'accept-language': languageOf() };
  const answer = fetch(url, { headers, credentials: 'same-origin' }).catch(() => undefined);
  early.set(url, { at: Date.now(), answer });
}

/** The early answer to a GET of this URL, if one was sent within 5 s and succeeded (taken once). */
async function takeEarly(url: string): Promise<Response | undefined> {
  const sent = early.get(url);
  early.delete(url);
  if (!sent || Date.now() - sent.at >= EARLY_MS) return undefined;
  const res = await sent.answer;
  return res?.ok ? res : undefined;
}

/** The services write their messages in the portal's language (English when switched to it). */
const languageOf = () => (storedLang() === 'en' ? 'en' : 'zh-CN');

/** How often a command is sent again after a transient failure (no answer, 503), with the same key. */
const COMMAND_RETRIES = 3;

/**
 * The transport under the typed client (same origin: the session cookie goes along). A command (any
 * method but GET) carries an Idempotency-Key made once per call, that is once per user action: when
 * the answer is lost (the network, or 503 while the workflow is busy) it is sent again with the same
 * key, and the service answers with the first outcome instead of acting twice. A refusal is thrown
 * as an ApiFailure, so a call that returns has its answer.
 */
async function send(request: Request): Promise<Response> {
  const method = request.method;
  if (method === 'GET') {
    const answered = await takeEarly(request.url);
    if (answered) return answered;
  }
  const headers = new Headers(request.headers);
  if (method !== 'GET' && !headers.has('idempotency-key')) headers.set('idempotency-key', crypto.randomUUID());
  headers.set('accept-language', languageOf());
  // Read once: a Request's body cannot be sent twice, the retries send the same text.
  const body = method === 'GET' ? undefined : (await request.text()) || undefined;
  for (let attempt = 0; ; attempt++) {
    const last = method === 'GET' || attempt >= COMMAND_RETRIES;
    let res: Response;
    try {
      res = await fetch(request.url, { method, headers, body, credentials: 'same-origin', signal: request.signal });
    } catch (err) {
      if (last || request.signal.aborted) throw err;
      await pause(attempt, undefined);
      continue;
    }
    if (res.status === 503 && !last) {
      await pause(attempt, res.headers.get('retry-after'));
      continue;
    }
    if (!res.ok) {
      const text = await res.text();
      const data = text ? safeJson(text) : undefined;
      const error = (data as ErrorBody | undefined)?.error ?? {
        code: res.status === 404 ? 'NOT_FOUND' : 'INTERNAL',
        message:
          res.status === 404
            ? translate(storedLang(), '请求的地址不存在')
            : translate(storedLang(), '服务暂时无法访问（{status}）', { status: res.status }),
      };
      throw new ApiFailure(res.status, error as ErrorBody['error']);
    }
    if (method !== 'GET') {
      early.clear();
      window.dispatchEvent(new Event(COMMAND_DONE));
    }
    return res;
  }
}

/** Every service's routes, with their parameters, bodies and answers typed from its OpenAPI document. */
export type Paths = IdentityPaths & FilingPaths & PaymentPaths & CertificatePaths & SignaturePaths;

/** What a GET of the path answers with. */
export type Answer<P extends keyof Paths> = Paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer A } } } };
}
  ? A
  : never;

/** The paths that answer a GET with a page of a list. */
export type PagedPath = {
  [P in keyof Paths]: [Answer<P>] extends [never]
    ? never
    : Answer<P> extends { items: unknown[]; total: number }
      ? P
      : never;
}[keyof Paths];

/** The one client of the services: `ok(client.GET('/api/…', { params }))`. */
export const client = createClient<Paths>({ fetch: send, querySerializer: queryString });

/** The answer of a call: a refusal was already thrown by the transport as an ApiFailure. */
export async function ok<D>(call: Promise<{ data?: D }>): Promise<D> {
  return (await call).data as D;
}

/** A link into a service (a download's href, an upload's action), its path checked against the documents. */
export function link(path: keyof Paths, params: Record<string, string> = {}, query?: Query): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = queryString(query);
  return search ? `${filled}?${search}` : filled;
}

/** Waits before sending a command again: the server's Retry-After (at most 5 s), else 0.5, 1, 2 s. */
function pause(attempt: number, retryAfter: string | null | undefined): Promise<void> {
  const asked = Number(retryAfter);
  const ms = Number.isFinite(asked) && asked > 0 ? Math.min(asked, 5) * 1000 : 500 * 2 ** attempt;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
