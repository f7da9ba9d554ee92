import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ErrorBody, type Role, type SessionUser } from '@copyreg/proto';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { optionalUser, requireUser } from './auth';
import { refuseInProduction } from './config';
import { ApiError, validationError } from './errors';
import { fingerprintOf, IDEMPOTENCY_HEADER, type IdempotencyStore, idempotencyKeyOf, operationId } from './idempotency';
import { logger } from './log';
import { httpMetrics, metricsEndpoint, metricsTokenRequired, setMetricsRoute } from './metrics';
import { consumeRateLimit, type RateLimitName } from './rate-limit';
import { noStore, refuseCrossOrigin, securityHeaders } from './security';
import { nameServerSpan } from './tracing';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: anyone, any logged-in user, or holders of one of the roles. */
export type Access = 'public' | 'user' | readonly Role[];

/** The caller a handler sees: a public route may have none; any other route has one (or answered 401/403). */
export type CallerOf<A extends Access> = A extends 'public' ? SessionUser | undefined : SessionUser;

export interface RouteSpec<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
  R extends z.ZodType,
  A extends Access = Access,
> {
  method: Method;
  /** Express path, e.g. `/filings/:filingId`. */
  path: string;
  summary: string;
  tags?: string[];
  access: A;
  body?: B;
  query?: Q;
  params?: P;
  response: R;
  /** HTTP status of a success (default 200). */
  status?: number;
  /** A rate limit this route counts against (per IP or per user: see rate-limit.ts). */
  rateLimit?: RateLimitName;
  handler: (ctx: {
    body: B extends z.ZodType ? z.infer<B> : undefined;
    query: Q extends z.ZodType ? z.infer<Q> : undefined;
    params: P extends z.ZodType ? z.infer<P> : undefined;
    user: CallerOf<A>;
    /**
     * The id this command acts under: derived from the request's Idempotency-Key (the same key
     * again is the same command), or fresh when it has none. Pass it as the workflow Update id.
     */
    operationId: string;
    req: Request;
    res: Response;
  }) => Promise<z.input<R>>;
}

interface RegisteredRoute {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response: z.ZodType;
  status: number;
}

/**
 * A service's HTTP API: every input and output goes through a proto schema, and the same
 * schemas produce the OpenAPI 3.1 document served at /openapi.json (browsable at /docs).
 */
export class Api {
  readonly router = express.Router();
  private readonly routes: RegisteredRoute[] = [];

  constructor(
    readonly title: string,
    readonly basePath: string,
    /** Where the first answers to state-changing requests are kept, by their Idempotency-Key. */
    private readonly idempotency?: IdempotencyStore,
  ) {}

  route<
    B extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    P extends z.ZodType | undefined = undefined,
    R extends z.ZodType = z.ZodType,
    const A extends Access = Access,
  >(spec: RouteSpec<B, Q, P, R, A>): void {
    const status = spec.status ?? 200;
    this.routes.push({ ...spec, tags: spec.tags ?? [], status } as RegisteredRoute);
    const route = `${this.basePath}${spec.path}`;
    this.router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      // Metrics and the trace's server span go by the route's pattern, never the path with its ids.
      setMetricsRoute(res, route);
      nameServerSpan(req.method, route);
      try {
        const user =
          spec.access === 'public'
            ? await optionalUser(req)
            : await requireUser(req, spec.access === 'user' ? undefined : spec.access);
        if (spec.rateLimit) await consumeRateLimit(spec.rateLimit, req, user);
        const parse = <S extends z.ZodType | undefined>(schema: S, value: unknown, where: string) => {
          if (!schema) return undefined;
          const result = schema.safeParse(value);
          if (!result.success) throw validationError(result.error, where === 'body' ? undefined : where, req);
          return result.data;
        };
        const command = spec.method !== 'get' && user !== undefined;
        const key = command ? idempotencyKeyOf(req.get(IDEMPOTENCY_HEADER)) : undefined;
        const scope = `${user?.userId ?? '-'} ${spec.method.toUpperCase()} ${req.baseUrl}${req.path}`;
        const ctx = {
          body: parse(spec.body, req.body ?? {}, 'body'),
          query: parse(spec.query, req.query, 'query'),
          params: parse(spec.params, req.params, 'params'),
          user,
          operationId: operationId(scope, key),
          req,
          res,
        } as Parameters<typeof spec.handler>[0];
        const respond = async () => {
          const result = await spec.handler(ctx);
          if (res.headersSent) return { status: res.statusCode, body: null };
          const out = spec.response.safeParse(result);
          if (!out.success) {
            logger.error({ issues: out.error.issues, path: spec.path }, 'response does not match its schema');
            throw new ApiError('INTERNAL', '服务器内部错误');
          }
          return { status, body: out.data as unknown };
        };
        if (key === undefined || !this.idempotency) {
          const answer = await respond();
          if (!res.headersSent) res.status(answer.status).json(answer.body);
          return;
        }
        const fingerprint = req.is('multipart/form-data') ? 'multipart' : fingerprintOf(req.body, req.query);
        const answer = await this.idempotency.once(scope, key, fingerprint, respond);
        if (res.headersSent) return;
        if (answer.replayed) res.set('Idempotent-Replayed', 'true');
        res.status(answer.status).json(answer.body);
      } catch (err) {
        next(err);
      }
    });
  }

  openapi(): object {
    const paths: Record<string, Record<string, unknown>> = {};
    type Js = { $ref?: string; $defs?: Record<string, Js>; properties?: Record<string, Js>; required?: string[] };
    // A schema named with `.meta({ id })` comes out as a `$ref` into the schema's own `$defs`, which
    // nothing in an OpenAPI document resolves (parameters were lost that way): every `$ref` is inlined.
    // A schema that refers to itself keeps an empty schema where it would recur.
    const inline = (node: unknown, defs: Record<string, Js>, open: string[]): unknown => {
      if (Array.isArray(node)) return node.map((n) => inline(n, defs, open));
      if (!node || typeof node !== 'object') return node;
      const { $ref, $defs: _defs, ...rest } = node as Js & Record<string, unknown>;
      const id = $ref?.startsWith('#/$defs/') ? $ref.slice('#/$defs/'.length) : undefined;
      const own = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(v, defs, open)]));
      if (!id) return $ref ? { $ref, ...own } : own;
      if (open.includes(id) || !defs[id]) return own;
      return { ...(inline(defs[id], defs, [...open, id]) as object), ...own };
    };
    const schema = (s: z.ZodType, io: 'input' | 'output'): Js => {
      const { $schema: _, ...js } = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Js & {
        $schema?: string;
      };
      return inline(js, js.$defs ?? {}, []) as Js;
    };
    for (const r of this.routes) {
      const p = `${this.basePath}${r.path}`.replace(/:(\w+)/g, '{$1}');
      const parameters: object[] = [];
      for (const [where, s] of [
        ['path', r.params],
        ['query', r.query],
      ] as const) {
        if (!s) continue;
        const js = schema(s, 'input');
        for (const [name, prop] of Object.entries(js.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || js.required?.includes(name), schema: prop });
        }
      }
      paths[p] ??= {};
      paths[p][r.method] = {
        summary: r.summary,
        tags: r.tags,
        ...(r.access === 'public' ? { security: [] } : {}),
        ...(typeof r.access === 'object' ? { 'x-roles': r.access } : {}),
        parameters,
        ...(r.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } } }
          : {}),
        responses: {
          [r.status]: { description: 'OK', content: { 'application/json': { schema: schema(r.response, 'output') } } },
          '4XX': { description: 'Refused', content: { 'application/json': { schema: schema(ErrorBody, 'output') } } },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: this.title, version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'copyreg_session' } } },
      security: [{ session: [] }],
      paths,
    };
  }
}

const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Builds the Express app of a service: JSON, cookies, its API, /openapi.json, /docs, errors. */
export function createApp(api: Api, extra?: (app: Express) => void): Express {
  // /metrics is never public in production: a service does not start there without METRICS_TOKEN.
  refuseInProduction(metricsTokenRequired);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpMetrics());
  app.get('/metrics', metricsEndpoint());
  app.use(securityHeaders(), refuseCrossOrigin());
  app.use(express.json({ limit: '1mb' }));
  app.use(cookieParser());
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, service: api.title });
  });
  app.get(`${api.basePath}/openapi.json`, (_req, res) => {
    res.json(api.openapi());
  });
  app.use(`${api.basePath}/docs/assets`, express.static(swaggerDir));
  app.get(`${api.basePath}/docs`, (_req, res) => {
    res.type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${api.title}</title>
<link rel="stylesheet" href="${api.basePath}/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="${api.basePath}/docs/assets/swagger-ui-bundle.js"></script>
<script src="${api.basePath}/docs/init.js"></script></body></html>`);
  });
  // Not inline: the CSP allows only the service's own scripts.
  app.get(`${api.basePath}/docs/init.js`, (_req, res) => {
    res.type('js').send(`SwaggerUIBundle({ url: '${api.basePath}/openapi.json', dom_id: '#ui' });`);
  });
  app.use(api.basePath, noStore);
  extra?.(app);
  app.use(api.basePath, api.router);
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(new ApiError('NOT_FOUND', '请求的地址不存在'));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) {
      // A 503 or 429 says when to come back; a retry with the same Idempotency-Key is then safe.
      const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined || err.status === 503) res.set('Retry-After', String(retryAfter ?? 2));
      res.status(err.status).json(err.toBody());
      return;
    }
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json(new ApiError('VALIDATION_FAILED', '请求内容不是有效的 JSON', '(body)').toBody());
      return;
    }
    if (e?.type === 'entity.too.large') {
      res.status(413).json(new ApiError('PAYLOAD_TOO_LARGE', '请求内容过大').toBody());
      return;
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(400).json(new ApiError('VALIDATION_FAILED', '请求有误').toBody());
      return;
    }
    logger.error({ err, path: req.path }, 'unhandled error');
    res.status(500).json(new ApiError('INTERNAL', '服务器内部错误，请稍后重试').toBody());
  });
  return app;
}

/** Listens on the port (0 picks a free one, for tests) and resolves once it accepts connections. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    // Requests Node refuses before Express sees them (e.g. 431 headers too large) still get the error body.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify(
        new ApiError(
          tooLarge ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED',
          tooLarge ? '请求地址或请求头过长' : '请求有误',
        ).toBody(),
      );
      socket.end(
        `HTTP/1.1 ${tooLarge ? '413 Payload Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    server.once('error', reject);
  });
}
