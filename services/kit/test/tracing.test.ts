import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { config } from '../src/config';
import { Api, createApp } from '../src/http';
import { temporalClientInterceptors, temporalConnectionOptions } from '../src/temporal';
import { serve } from '../src/testing';
import { initTracing, workerTracing, workflowInterceptorModules } from '../src/tracing';

/**
 * Traces: an HTTP request's span is named by its route and continues the caller's trace, and a
 * command through a service is one trace from the request through the workflow to its activity
 * (client interceptor → workflow headers → workflow spans out of the sandbox by the sink →
 * activity headers → activity span), exported here to memory. The same /metrics scrape shows
 * the request and the Temporal call it made. Against the real Temporal server.
 */
const exporter = new InMemorySpanExporter();
const taskQueue = `kit-tracing-${randomUUID()}`;
let server: { url: string; close: () => Promise<void> };
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let client: Client | undefined;

const byName = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
const one = (name: string): ReadableSpan => {
  const spans = byName(name);
  expect(spans, name).toHaveLength(1);
  return spans[0] as ReadableSpan;
};
async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  expect(await initTracing('kit-tracing-test', { exporter })).toBe(true);
  const api = new Api('tracing-test', '/api/tracing-test');
  api.route({
    method: 'get',
    path: '/things/:thingId',
    summary: 'a thing',
    access: 'public',
    params: z.object({ thingId: z.string() }),
    response: z.object({ id: z.string() }),
    handler: async ({ params }) => ({ id: params.thingId }),
  });
  api.route({
    method: 'post',
    path: '/runs',
    summary: 'runs the traced workflow to its end',
    access: 'public',
    body: z.object({ text: z.string() }),
    response: z.object({ result: z.string() }),
    handler: async ({ body }) => {
      if (!client) throw new Error('no Temporal client');
      const result = await client.workflow.execute('tracedWorkflow', {
        taskQueue,
        workflowId: `kit-tracing-${randomUUID()}`,
        args: [body.text],
      });
      return { result: String(result) };
    },
  });
  server = await serve(createApp(api));
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await client?.connection.close();
  await server?.close();
});

describe('traces of HTTP requests', () => {
  it('names the server span by the route pattern and continues the caller’s trace', async () => {
    exporter.reset();
    const traceId = randomUUID().replaceAll('-', '');
    const res = await fetch(`${server.url}/api/tracing-test/things/12345`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    await until(() => byName('GET /api/tracing-test/things/:thingId').length > 0, 2000);
    const span = one('GET /api/tracing-test/things/:thingId');
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanId).toBe('00f067aa0ba902b7');
    expect(span.attributes['http.route']).toBe('/api/tracing-test/things/:thingId');
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.name))).not.toContain('12345');
  });

  it('traces neither scrapes nor health checks', async () => {
    exporter.reset();
    await fetch(`${server.url}/metrics`);
    await fetch(`${server.url}/healthz`);
    await new Promise((r) => setTimeout(r, 200));
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('one trace from the HTTP request through the workflow to the activity', () => {
  beforeAll(async () => {
    const tracing = await workerTracing('kit-tracing-test');
    worker = await Worker.create({
      connection: await NativeConnection.connect(temporalConnectionOptions()),
      namespace: config().TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./fixtures/traced-workflow.ts', import.meta.url)),
        workflowInterceptorModules: workflowInterceptorModules(),
        logger: new DefaultLogger('WARN'),
      }),
      activities: { shout: async (text: string) => text.toUpperCase() },
      ...tracing,
    });
    running = worker.run();
    client = new Client({
      connection: await Connection.connect(temporalConnectionOptions()),
      namespace: config().TEMPORAL_NAMESPACE,
      interceptors: temporalClientInterceptors(),
    });
  }, 120_000);

  it('links the request, the workflow start, the workflow run and the activity in one trace; /metrics counts them', async () => {
    exporter.reset();
    const res = await fetch(`${server.url}/api/tracing-test/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'HI' });
    await until(() => byName('RunWorkflow:tracedWorkflow').length > 0 && byName('RunActivity:shout').length > 0);

    const request = one('POST /api/tracing-test/runs');
    const start = one('StartWorkflow:tracedWorkflow');
    const run = one('RunWorkflow:tracedWorkflow');
    const schedule = one('StartActivity:shout');
    const activity = one('RunActivity:shout');
    const traceId = request.spanContext().traceId;
    for (const span of [start, run, schedule, activity]) expect(span.spanContext().traceId, span.name).toBe(traceId);
    // Each is the child of the one before: request → start → run → schedule → activity.
    expect(start.parentSpanId).toBe(request.spanContext().spanId);
    expect(run.parentSpanId).toBe(start.spanContext().spanId);
    expect(schedule.parentSpanId).toBe(run.spanContext().spanId);
    expect(activity.parentSpanId).toBe(schedule.spanContext().spanId);
    expect(run.resource.attributes['service.name']).toBe('kit-tracing-test');

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total{method="POST",route="/api/tracing-test/runs",status="200"} 1');
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/tracing-test\/runs",status_class="2xx"\} 1/,
    );
    const sum =
      /http_request_duration_seconds_sum\{method="POST",route="\/api\/tracing-test\/runs",status_class="2xx"\} (\S+)/.exec(
        metrics,
      )?.[1];
    expect(Number(sum)).toBeGreaterThan(0);
    expect(metrics).toContain(
      'copyreg_temporal_client_requests_total{operation="start",name="tracedWorkflow",outcome="ok"} 1',
    );
  });
});
