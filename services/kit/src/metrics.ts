import { createHash, timingSafeEqual } from 'node:crypto';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { RuntimeOptions } from '@temporalio/worker';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type Config, config, type DevelopmentDefault } from './config';
import { ApiError } from './errors';
import { logger } from './log';

/**
 * Prometheus metrics of one process, served at `/metrics` by every service (docs/operations.md,
 * "Metrics and traces"). Routes are labelled by their pattern (`/api/filing/filings/:filingId`),
 * never by the raw path, so the number of series stays fixed whatever ids are requested.
 */
export const metricsRegistry = new Registry();

let defaultsCollected = false;
/** Names the process (`service` label on every series) and adds Node's own metrics (CPU, memory, event loop lag). */
export function initMetrics(service: string): void {
  metricsRegistry.setDefaultLabels({ service });
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** Seconds; the last buckets cover the 15 s a request waits for the workflow before its 503. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by route pattern and status code (499: the client went away first)',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from the request to the end of its answer, by route pattern',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

/** The route pattern a response is counted under; set by the router that matched it. */
export function setMetricsRoute(res: Response, route: string): void {
  res.locals.metricsRoute = route;
}

/** Counts and times every request (but scrapes) once its answer is written or the client left. */
export function httpMetrics(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/metrics') return next();
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : 499;
      const route =
        (res.locals.metricsRoute as string | undefined) ??
        (req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');
      const method = req.method;
      httpRequests.inc({ method, route, status: String(status) });
      httpRequestDuration.observe(
        { method, route, status_class: `${Math.floor(status / 100)}xx` },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}

/** What production mode refuses: a `/metrics` anybody who reaches the service could read. */
export const metricsTokenRequired: DevelopmentDefault = {
  variable: 'METRICS_TOKEN',
  fix: 'a random token of 32+ characters that Prometheus sends as a bearer token to /metrics',
  isDefault: (c) => !c.METRICS_TOKEN,
};

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Whether a scrape may read the metrics: with METRICS_TOKEN, only with `Authorization: Bearer
 * <token>`; without one (development only: production mode refuses to start), only a request made
 * on this machine and not forwarded by a proxy.
 */
export function scrapeAllowed(req: Request, c: Pick<Config, 'METRICS_TOKEN'> = config()): boolean {
  if (c.METRICS_TOKEN) {
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    return timingSafeEqual(digest(given), digest(c.METRICS_TOKEN));
  }
  return LOOPBACK.test(req.socket.remoteAddress ?? '') && !req.get('x-forwarded-for') && !req.get('forwarded');
}

/** GET /metrics: the Prometheus text format of this process's registry. */
export function metricsEndpoint(): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (!scrapeAllowed(req)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new ApiError('UNAUTHENTICATED', '需要监控凭据 (METRICS_TOKEN)');
      }
      const body = await metricsRegistry.metrics();
      res.set('Cache-Control', 'no-store').type(metricsRegistry.contentType).send(body);
    } catch (err) {
      next(err);
    }
  };
}

/** One row of the registrations-by-status count, as the read model answers it. */
export interface StatusCount {
  status: string;
  /** What they wait on (`WaitingOn`, with `signer:N` as `signer`). */
  waitingOn: string;
  count: number;
  /** How many of them are past their review deadline. */
  overdue: number;
  /** Seconds the longest-waiting one has been in this status and waiting on this. */
  oldestSeconds: number;
}

const collectErrors = new Counter({
  name: 'copyreg_registrations_collect_errors_total',
  help: 'Scrapes whose registrations-by-status query failed (the gauges then keep their last values)',
  registers: [metricsRegistry],
});

/**
 * Gauges of the registrations in flight, by status, read from the read model when Prometheus
 * scrapes (never more often than `minIntervalMs`, so several Prometheus servers or a fast scrape
 * interval cost one query). Only the service that owns the read model registers this.
 */
export function registrationGauges(count: () => Promise<StatusCount[]>, minIntervalMs = 10_000): void {
  let last = 0;
  let inFlight: Promise<void> | undefined;
  const rows = new Map<string, StatusCount>();
  const refresh = () => {
    if (Date.now() - last < minIntervalMs) return Promise.resolve();
    inFlight ??= count()
      .then((result) => {
        rows.clear();
        for (const r of result) rows.set(`${r.status} ${r.waitingOn}`, r);
        last = Date.now();
      })
      .catch((err) => {
        collectErrors.inc();
        logger.warn({ err }, 'registrations-by-status query failed');
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const gauge = (name: string, help: string, value: (r: StatusCount) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['status', 'waiting_on'] as const,
      registers: [metricsRegistry],
      async collect() {
        await refresh();
        this.reset();
        for (const r of rows.values()) this.set({ status: r.status, waiting_on: r.waitingOn }, value(r));
      },
    });
  gauge(
    'copyreg_registrations',
    'Registrations in flight by status and what they wait on (read model)',
    (r) => r.count,
  );
  gauge('copyreg_registrations_overdue', 'Registrations past their review deadline', (r) => r.overdue);
  gauge(
    'copyreg_registration_oldest_waiting_seconds',
    'How long the longest-waiting registration has waited in this status on this',
    (r) => r.oldestSeconds,
  );
}

const temporalCalls = new Counter({
  name: 'copyreg_temporal_client_requests_total',
  help: "This service's calls to Temporal (start, update, signal, query), by name and outcome",
  labelNames: ['operation', 'name', 'outcome'] as const,
  registers: [metricsRegistry],
});
const temporalCallDuration = new Histogram({
  name: 'copyreg_temporal_client_request_duration_seconds',
  help: "Time of this service's calls to Temporal; an Update's includes the workflow running its handler",
  labelNames: ['operation', 'name'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

async function timed<T>(operation: string, name: string, call: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  let outcome = 'error';
  try {
    const result = await call();
    outcome = 'ok';
    return result;
  } finally {
    temporalCalls.inc({ operation, name, outcome });
    temporalCallDuration.observe({ operation, name }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/**
 * The client side of the Temporal metrics in an API process. Its `@temporalio/client` connection
 * is plain gRPC, not the SDK's native runtime, so the SDK's Prometheus exporter does not see it.
 */
export function temporalClientMetrics(): WorkflowClientInterceptor {
  return {
    startWithDetails: (input, next) => timed('start', input.workflowType, () => next(input)),
    startUpdate: (input, next) => timed('update', input.updateName, () => next(input)),
    signal: (input, next) => timed('signal', input.signalName, () => next(input)),
    query: (input, next) => timed('query', input.queryType, () => next(input)),
  };
}

/**
 * The Temporal SDK's own Prometheus metrics of a worker process (`Runtime.install`'s telemetry):
 * served at http://TEMPORAL_METRICS_ADDRESS/metrics, durations in seconds. One address per
 * process (the runtime is per process); unset, the SDK keeps its metrics to itself.
 */
export function temporalRuntimeTelemetry(
  c: Pick<Config, 'TEMPORAL_METRICS_ADDRESS'> = config(),
): Pick<RuntimeOptions, 'telemetryOptions'> {
  if (!c.TEMPORAL_METRICS_ADDRESS) return {};
  return {
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: c.TEMPORAL_METRICS_ADDRESS, useSecondsForDurations: true } },
    },
  };
}
