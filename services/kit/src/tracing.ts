import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { config } from './config';
import { logger } from './log';

/**
 * OpenTelemetry traces (docs/operations.md, "Metrics and traces"): one trace per registration
 * step, from the HTTP request (the http instrumentation's server span, named by route pattern)
 * through the Temporal client call (the client interceptor puts the context in the workflow's
 * headers) to the workflow's spans (made in the workflow sandbox, handed out through a sink) and
 * its activities' spans (the activity interceptor). Spans go to OTEL_EXPORTER_OTLP_ENDPOINT;
 * without it nothing is installed and the OpenTelemetry API stays a no-op.
 */

let provider: NodeTracerProvider | undefined;
let processor: SpanProcessor | undefined;
let resource: Resource | undefined;

export interface TracingOptions {
  /** Where spans go instead of the OTLP endpoint (a test's in-memory exporter); spans are then exported one by one. */
  exporter?: SpanExporter;
}

/**
 * Installs tracing for this process, once, and only when there is somewhere to send spans.
 * Call it first thing in a process's entry point. Returns whether tracing is on.
 */
export async function initTracing(serviceName: string, opts: TracingOptions = {}): Promise<boolean> {
  if (provider) return true;
  const c = config();
  if (!opts.exporter && !c.OTEL_EXPORTER_OTLP_ENDPOINT) return false;
  // Loaded only when tracing is on: the SDK costs ~0.5 s of start-up, which a process without it should not pay.
  const [{ Resource }, base, { NodeTracerProvider }, { registerInstrumentations }, { HttpInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/instrumentation'),
      import('@opentelemetry/instrumentation-http'),
    ]);
  if (provider) return true;
  resource = new Resource({ 'service.name': c.OTEL_SERVICE_NAME ?? serviceName });
  if (opts.exporter) processor = new base.SimpleSpanProcessor(opts.exporter);
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const url = `${String(c.OTEL_EXPORTER_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
    processor = new base.BatchSpanProcessor(new OTLPTraceExporter({ url }));
  }
  provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The AsyncLocalStorage context manager and the W3C traceparent propagator.
  provider.register();
  // A worker's process ends when its worker stops: the spans still buffered go out first.
  process.once('beforeExit', () => void flushTracing());
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Scrapes and health checks are not worth a trace each.
        ignoreIncomingRequestHook: (req) => req.url === '/metrics' || req.url === '/healthz',
        // Outgoing calls (object store, login provider) only inside a request's trace.
        requireParentforOutgoingSpans: true,
      }),
    ],
  });
  // `http` was loaded (by express) before this ran: requiring it again lets the instrumentation
  // patch the one shared module object, which every ESM import of node:http also sees.
  createRequire(import.meta.url)('http');
  logger.info(
    {
      service: c.OTEL_SERVICE_NAME ?? serviceName,
      endpoint: opts.exporter ? '(in process)' : c.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    'tracing on',
  );
  return true;
}

/** Sends the spans still buffered (on shutdown). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush().catch((err) => logger.warn({ err }, 'spans not sent'));
}

/**
 * Names the current HTTP server span by the route pattern (`POST /api/filing/filings/:filingId/submit`)
 * instead of the bare method, and records the pattern as `http.route`.
 */
export function nameServerSpan(method: string, route: string): void {
  if (!provider) return;
  const span = trace.getSpan(context.active());
  if (!span) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}

/** The W3C trace context of the current span, as headers (for a caller that wants to continue the trace). */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The client interceptor that carries the trace into the workflow (a no-op while tracing is off). */
export function temporalClientTracing(): WorkflowClientInterceptor {
  return new OpenTelemetryWorkflowClientInterceptor();
}

const workflowInterceptorsModule = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/**
 * The workflow interceptors to bundle into the workflow code (`bundleWorkflowCode`'s
 * `workflowInterceptorModules`): when tracing is on (or `always`: `npm run build`'s prebuilt
 * bundle, whose worker always registers their sink). A bundle without them is the one every test
 * worker uses, whose sinks are not registered. Histories replay the same with or without them
 * (the replay of the recorded histories was checked both ways).
 */
export function workflowInterceptorModules(always = false): string[] {
  return always || provider || config().OTEL_EXPORTER_OTLP_ENDPOINT ? [workflowInterceptorsModule] : [];
}

/**
 * What a worker adds to its options: the activity interceptors and the sink that takes the
 * workflow sandbox's spans. With tracing off the sink drops them (a prebuilt bundle has the
 * workflow interceptors whatever the configuration; an unregistered sink would log an error per span).
 */
export async function workerTracing(serviceName: string): Promise<{
  interceptors: { activity: ActivityInterceptorsFactory[] };
  sinks: InjectedSinks<OpenTelemetrySinks>;
}> {
  if (!(await initTracing(serviceName)) || !processor || !resource) {
    return { interceptors: { activity: [] }, sinks: { exporter: { export: { fn: () => undefined } } } };
  }
  const otel = await import('@temporalio/interceptors-opentelemetry/lib/worker/index.js');
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: otel.makeWorkflowExporter(processor, resource) },
  };
}
