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

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Dispatched on window after a command succeeded: what shows counts (the sidebar's badges) reloads them. */
export const COMMAND_DONE = 'copyreg:command-done';

/** How often a command is sent again after a transient failure (no answer, 503), with the same key. */
const COMMAND_RETRIES = 3;

/**
 * Calls a service through the portal (same origin: the session cookie goes along). A command (any
 * method but GET) carries an Idempotency-Key made once per call, that is once per user action: when
 * the answer is lost (the network, or 503 while the workflow is busy) it is sent again with the same
 * key, and the service answers with the first outcome instead of acting twice.
 */
export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal; idempotencyKey?: string } = {},
): Promise<T> {
  const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = opts.body === undefined ? {} : { 'content-type': 'application/json' };
  if (method !== 'GET') headers['idempotency-key'] = opts.idempotencyKey ?? crypto.randomUUID();
  // The services write their messages in the portal's language (English when switched to it).
  headers['accept-language'] = storedLang() === 'en' ? 'en' : 'zh-CN';
  for (let attempt = 0; ; attempt++) {
    const last = method === 'GET' || attempt >= COMMAND_RETRIES;
    let res: Response;
    try {
      res = await fetch(withQuery(path, opts.query), {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        credentials: 'same-origin',
        signal: opts.signal,
      });
    } catch (err) {
      if (last || opts.signal?.aborted) throw err;
      await pause(attempt, undefined);
      continue;
    }
    if (res.status === 503 && !last) {
      await pause(attempt, res.headers.get('retry-after'));
      continue;
    }
    const text = await res.text();
    const data = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const error = (data as ErrorBody | undefined)?.error ?? {
        code: res.status === 404 ? 'NOT_FOUND' : 'INTERNAL',
        message:
          res.status === 404
            ? translate(storedLang(), '请求的地址不存在')
            : translate(storedLang(), '服务暂时无法访问（{status}）', { status: res.status }),
      };
      throw new ApiFailure(res.status, error as ErrorBody['error']);
    }
    if (method !== 'GET') window.dispatchEvent(new Event(COMMAND_DONE));
    return data as T;
  }
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

export const get = <T>(path: string, query?: Query) => api<T>(path, { query });
export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' });

/** A page of a list, as every service returns it (共 N 条, 20 条/页). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
