import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkProduction, loadConfig } from '../src/config';
import { Api, createApp } from '../src/http';
import { registrationGauges, type StatusCount, scrapeAllowed, temporalRuntimeTelemetry } from '../src/metrics';
import { productionSettings, serve } from '../src/testing';

/** /metrics of a service: counted by route pattern, protected, and the read-model gauges. Needs no stack. */
describe('metrics', () => {
  let server: { url: string; close: () => Promise<void> };
  let counted = 0;

  beforeAll(async () => {
    const api = new Api('metrics-test', '/api/metrics-test');
    api.route({
      method: 'get',
      path: '/things/:thingId',
      summary: 'a thing',
      access: 'public',
      params: z.object({ thingId: z.string().regex(/^\d+$/) }),
      response: z.object({ id: z.string() }),
      handler: async ({ params }) => ({ id: params.thingId }),
    });
    registrationGauges(async () => {
      counted++;
      return [
        { status: 'initial_review', waitingOn: 'initial-review', count: 3, overdue: 1, oldestSeconds: 86_400 },
        { status: 'awaiting_signatures', waitingOn: 'signer', count: 2, overdue: 0, oldestSeconds: 60 },
        { status: 'awaiting_signatures', waitingOn: 'form', count: 1, overdue: 0, oldestSeconds: 5 },
      ] satisfies StatusCount[];
    });
    server = await serve(createApp(api));
  });
  afterAll(() => server.close());

  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  it('counts requests and their latency by route pattern, never by the path with its ids', async () => {
    for (const id of ['1', '22', '333'])
      expect((await fetch(`${server.url}/api/metrics-test/things/${id}`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/metrics-test/things/not-a-number`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/metrics-test/nowhere/42`)).status).toBe(404);
    const text = await scrape();
    expect(text).toContain(
      'http_requests_total{method="GET",route="/api/metrics-test/things/:thingId",status="200"} 3',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="/api/metrics-test/things/:thingId",status="400"} 1',
    );
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/metrics-test\/things\/:thingId",status_class="2xx"\} 3/,
    );
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/metrics-test/);
    for (const id of ['22', '333', 'not-a-number', 'nowhere']) expect(text).not.toContain(`/${id}`);
    // A scrape does not count itself.
    expect(text).not.toContain('route="/metrics"');
  });

  it('reads registrations by status from the read model at most once per interval', async () => {
    const before = counted;
    const text = await scrape();
    await scrape();
    expect(counted - before).toBeLessThanOrEqual(1);
    expect(text).toContain('copyreg_registrations{status="initial_review",waiting_on="initial-review"} 3');
    expect(text).toContain('copyreg_registrations{status="awaiting_signatures",waiting_on="signer"} 2');
    expect(text).toContain('copyreg_registrations{status="awaiting_signatures",waiting_on="form"} 1');
    expect(text).toContain('copyreg_registrations_overdue{status="initial_review",waiting_on="initial-review"} 1');
    expect(text).toContain(
      'copyreg_registration_oldest_waiting_seconds{status="initial_review",waiting_on="initial-review"} 86400',
    );
    expect(text).toContain('copyreg_registrations_collect_errors_total 0');
  });
});

describe('who may scrape /metrics', () => {
  const req = (remoteAddress: string, headers: Record<string, string> = {}) =>
    ({
      socket: { remoteAddress },
      get: (name: string) => headers[name.toLowerCase()],
    }) as unknown as Request;
  const token = 'a-metrics-token-of-more-than-thirty-two-chars';

  it('with METRICS_TOKEN: only a request that carries it, from anywhere', () => {
    const c = { METRICS_TOKEN: token };
    expect(scrapeAllowed(req('10.0.0.7', { authorization: `Bearer ${token}` }), c)).toBe(true);
    expect(scrapeAllowed(req('127.0.0.1'), c)).toBe(false);
    expect(scrapeAllowed(req('127.0.0.1', { authorization: `Bearer ${token}x` }), c)).toBe(false);
    expect(scrapeAllowed(req('127.0.0.1', { authorization: token }), c)).toBe(false);
  });

  it('without one (development): this machine only, and not through a proxy', () => {
    const c = { METRICS_TOKEN: undefined };
    expect(scrapeAllowed(req('127.0.0.1'), c)).toBe(true);
    expect(scrapeAllowed(req('::ffff:127.0.0.1'), c)).toBe(true);
    expect(scrapeAllowed(req('::1'), c)).toBe(true);
    expect(scrapeAllowed(req('10.0.0.7'), c)).toBe(false);
    expect(scrapeAllowed(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), c)).toBe(false);
  });

  it('production mode refuses a service without METRICS_TOKEN, once a service app is made', () => {
    const production = { NODE_ENV: 'production', ...productionSettings };
    const env = { ...production, METRICS_TOKEN: token };
    // createApp (beforeAll above) registered the check. Some checks read the process's environment: this one's.
    expect(() => checkProduction(loadConfig(env), env)).not.toThrow();
    expect(() => checkProduction({ ...loadConfig(env), METRICS_TOKEN: undefined }, env)).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ ...production, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});

describe("the Temporal SDK's Prometheus endpoint", () => {
  it('is served where TEMPORAL_METRICS_ADDRESS says, durations in seconds; unset, not at all', () => {
    expect(temporalRuntimeTelemetry({ TEMPORAL_METRICS_ADDRESS: '127.0.0.1:9464' })).toEqual({
      telemetryOptions: { metrics: { prometheus: { bindAddress: '127.0.0.1:9464', useSecondsForDurations: true } } },
    });
    expect(temporalRuntimeTelemetry({ TEMPORAL_METRICS_ADDRESS: undefined })).toEqual({});
    expect(() => loadConfig({ TEMPORAL_METRICS_ADDRESS: 'nine-four-six-four' })).toThrow(/TEMPORAL_METRICS_ADDRESS/);
  });
});
