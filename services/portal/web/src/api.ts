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

/** Calls a service through the portal (same origin: the session cookie goes along). */
export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await fetch(withQuery(path, opts.query), {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    // The services write their messages in the portal's language (English when switched to it).
    headers: {
      'accept-language': localStorage.getItem('lang') === 'en' ? 'en' : 'zh-CN',
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'same-origin',
    signal: opts.signal,
  });
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const error = (data as ErrorBody | undefined)?.error ?? {
      code: res.status === 404 ? 'NOT_FOUND' : 'INTERNAL',
      message: res.status === 404 ? '请求的地址不存在' : `服务暂时无法访问（${res.status}）`,
    };
    throw new ApiFailure(res.status, error as ErrorBody['error']);
  }
  return data as T;
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
