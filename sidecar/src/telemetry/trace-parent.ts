import { ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

/**
 * The W3C `traceparent` header of a span (`00-<trace id>-<span id>-<flags>`), which the sidecar stores
 * with the work it hands to a later stage; undefined for an invalid (no-op) span. The `tracestate` is
 * never kept: it may carry another vendor's values.
 */
export function traceParentOf(spanContext: SpanContext): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, {
    set: (into, key, value) => {
      into[key] = value;
    },
  });
  return carrier.traceparent;
}

/** The context whose remote parent `traceParent` names; the root context when it is absent or malformed. */
export function contextOf(traceParent: string | undefined): Context {
  if (!traceParent) return ROOT_CONTEXT;
  return propagator.extract(
    ROOT_CONTEXT,
    { traceparent: traceParent },
    {
      get: (from, key) => (from as Record<string, string>)[key],
      keys: (from) => Object.keys(from as object),
    },
  );
}
