import { SpanKind, SpanStatusCode, trace, type Histogram, type Tracer } from '@opentelemetry/api';
import { contextOf, traceParentOf } from './trace-parent.js';

/** The stages of a batch's trace, in the order a batch passes them (span `leakwatch.<stage>`). */
export type Stage = 'ingest' | 'classify' | 'detect' | 'writeback';

/**
 * Every attribute a stage span may carry: ids of the org and of the sidecar's own objects, counts,
 * kinds, API names and outcome codes. Nothing the org sent as a value fits in one of these, and the
 * type keeps any other key out.
 */
interface StageAttributes {
  /** The org's id as the sidecar keys it (`orgKey`, 18 characters): it names a company, not a person. */
  'leakwatch.org_id'?: string;
  /** Events of the batch this span handles. */
  'leakwatch.events'?: number;
  'leakwatch.events.accepted'?: number;
  'leakwatch.events.duplicate'?: number;
  'leakwatch.events.rejected'?: number;
  /** Field values with at least one entity found (classify). */
  'leakwatch.findings'?: number;
  'leakwatch.verdicts'?: number;
  'leakwatch.quiet'?: number;
  /** Events the detector failed on (retried later). */
  'leakwatch.failed'?: number;
  /** Outbox records of the batch this span handles, and how their upserts settled. */
  'leakwatch.records'?: number;
  'leakwatch.records.done'?: number;
  'leakwatch.records.retry'?: number;
  'leakwatch.records.dead'?: number;
  /** sObject API names written (LeakVerdict__c, PiiFinding__c, …). */
  'leakwatch.sobjects'?: string[];
  /** Events or records the whole step handled, this batch's among them: the step's time is theirs together. */
  'leakwatch.step.items'?: number;
  'http.request.method'?: string;
  'http.route'?: string;
  'http.response.status_code'?: number;
}

export interface StageSpan {
  /** This span's W3C `traceparent`, stored with the work it hands on; undefined while tracing is off. */
  readonly traceParent: string | undefined;
  set(attributes: StageAttributes): void;
  /**
   * Ends the span and records the stage's duration. With an error, the span's status is ERROR and
   * `error.type` its type or code: never its message, which may quote a value.
   */
  end(error?: unknown): void;
}

export interface StageTracer {
  /** Starts the span of `stage`, a child of the span `parent` names (a stored `traceparent`), or a new trace without one. */
  start(stage: Stage, parent: string | undefined, attributes: StageAttributes): StageSpan;
}

const NO_SPAN: StageSpan = { traceParent: undefined, set: () => {}, end: () => {} };

/** What the sidecar records while its telemetry is off: nothing. */
export const TELEMETRY_OFF: StageTracer = { start: () => NO_SPAN };

/**
 * Stage spans from `tracer` (absent: traces off) and their durations into `durations` (absent:
 * metrics off), in seconds with the attributes `stage` and `outcome` (ok, error).
 */
export function stageTracer(tracer: Tracer | undefined, durations: Histogram | undefined): StageTracer {
  if (!tracer && !durations) return TELEMETRY_OFF;
  return {
    start(stage, parent, attributes) {
      const started = performance.now();
      const span = tracer?.startSpan(
        `leakwatch.${stage}`,
        { kind: stage === 'ingest' ? SpanKind.SERVER : SpanKind.INTERNAL, attributes: { ...attributes } },
        contextOf(parent),
      );
      const spanContext = span?.spanContext();
      let ended = false;
      return {
        traceParent: spanContext && trace.isSpanContextValid(spanContext) ? traceParentOf(spanContext) : undefined,
        set: (more) => span?.setAttributes({ ...more }),
        end(error) {
          if (ended) return;
          ended = true;
          if (error !== undefined) {
            span?.setAttribute('error.type', errorType(error));
            span?.setStatus({ code: SpanStatusCode.ERROR });
          }
          span?.end();
          durations?.record((performance.now() - started) / 1000, { stage, outcome: error === undefined ? 'ok' : 'error' });
        },
      };
    },
  };
}

/** An error's code when it has one (SQLSTATE, Node's ECONNREFUSED), else its type: identifiers, never its message. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && /^[A-Za-z0-9_$]{1,64}$/.test(name) ? name : '_OTHER';
}
