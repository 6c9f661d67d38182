import type { IncomingHttpHeaders } from "node:http";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

/**
 * OpenTelemetry tracing, on only when an OTLP endpoint is configured (HUB_OTLP_ENDPOINT).
 *
 * `startTracing` registers a tracer provider for the process: spans go in batches
 * (BatchSpanProcessor) to the collector's OTLP/HTTP receiver (`<endpoint>/v1/traces`, JSON), the
 * W3C `traceparent` propagator and an async-local context manager are installed. From then on
 * @apollo/gateway's own spans (gateway.request, gateway.plan, gateway.fetch, …), the HTTP
 * servers' spans (`serverSpan`), and a span per SQL statement (src/db/client.ts, `traceSql`)
 * form one trace per request, across the HTTP hop to a subgraph server too (the gateway's
 * data source injects `traceparent`; the subgraph's server extracts it).
 *
 * Without it nothing is registered: the OpenTelemetry API's no-op tracer answers the gateway,
 * the servers skip their spans (`tracingOn()`), and the database is not wrapped.
 *
 *   const tracing = startTracing({ endpoint: "http://127.0.0.1:4318", serviceName: "child-coverage-hub" });
 *   …
 *   await tracing.shutdown(); // flushes the spans still batched
 */
export interface Tracing {
  /** Sends the spans batched so far. */
  flush(): Promise<void>;
  /** Flushes and stops; the process's spans are not recorded after this. */
  shutdown(): Promise<void>;
}

let provider: NodeTracerProvider | null = null;

/** Whether a tracer provider is registered (HUB_OTLP_ENDPOINT): spans cost nothing otherwise. */
export function tracingOn(): boolean {
  return provider !== null;
}

export function startTracing(options: { endpoint: string; serviceName: string; delayMs?: number }): Tracing {
  if (provider) throw new Error("tracing is already started in this process");
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces` });
  const started = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.delayMs ?? 2_000 })],
  });
  started.register();
  provider = started;
  return {
    flush: () => started.forceFlush(),
    shutdown: async () => {
      await started.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      provider = null;
    },
  };
}

const tracer = () => trace.getTracer("child-coverage-hub");

/**
 * Runs `fn` in a SERVER span continuing the caller's trace (its `traceparent` header), or just
 * runs it when tracing is off.
 */
export async function serverSpan<T>(
  name: string,
  headers: IncomingHttpHeaders,
  attributes: Attributes,
  fn: (span: Span | null) => Promise<T>,
): Promise<T> {
  if (!provider) return fn(null);
  const parent = propagation.extract(context.active(), headers);
  return tracer().startActiveSpan(name, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds the active trace's `traceparent` (and `tracestate`) to outgoing headers; nothing when tracing is off. */
export function injectTraceHeaders(set: (name: string, value: string) => void): void {
  if (!provider) return;
  propagation.inject(context.active(), null, { set: (_carrier, name, value) => set(name, value) });
}

/** Sets attributes on the span of the current context, if tracing is on and there is one. */
export function annotateActiveSpan(attributes: Attributes): void {
  if (!provider) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}
