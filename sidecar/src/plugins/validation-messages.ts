import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { batchLimits, MAX_EVENTS_PER_BATCH } from './limit-texts.js';

/** Messages for the envelope's own properties, by path and keyword. */
const hints = (bodyLimitBytes: number): Record<string, Record<string, string>> => ({
  '/schemaVersion': {
    const: 'schemaVersion must be 1: this sidecar understands envelope version 1 only. Upgrade the sidecar before the package sends a newer version.',
    required: 'schemaVersion is required (1).',
  },
  '/events': {
    maxItems: `events holds more than ${MAX_EVENTS_PER_BATCH.toLocaleString('en-US')} events: split the batch (${batchLimits(bodyLimitBytes)}).`,
    minItems: 'events is empty: send at least one event per request.',
    type: 'events must be an array of events.',
  },
  '/orgId': {
    pattern: 'orgId must be a 15- or 18-character Organization id starting with 00D.',
    type: 'orgId must be a string (the Organization id).',
  },
  '/batchId': {
    format: 'batchId must be a UUID.',
    pattern: 'batchId must be a UUID.',
    type: 'batchId must be a string (a UUID).',
  },
  '/sentAt': { format: 'sentAt must be an ISO-8601 date-time.', type: 'sentAt must be a string (ISO-8601 date-time).' },
});

/** Turns schema violations of a request into one sentence an admin can act on; batch limits as configured. */
export function validationErrorFormatter(bodyLimitBytes: number) {
  const known = hints(bodyLimitBytes);
  return (errors: FastifySchemaValidationError[], dataVar: string): Error => {
    const messages = errors.slice(0, 3).map((e) => describe(known, e, dataVar));
    return new Error([...new Set(messages)].join(' '));
  };
}

function describe(known: Record<string, Record<string, string>>, e: FastifySchemaValidationError, dataVar: string): string {
  const path = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : e.instancePath;
  const hint = known[path]?.[e.keyword];
  if (hint) return hint;
  const where = path ? path.slice(1).replace(/\//g, '.') : dataVar === 'body' ? 'The request body' : dataVar;
  switch (e.keyword) {
    case 'required':
      return `${where} is required in the envelope.`;
    case 'additionalProperties':
      return `${where === 'The request body' ? 'The envelope' : where} has an unknown property "${String(e.params.additionalProperty)}".`;
    case 'type':
      return `${where} must be ${article(String(e.params.type))}.`;
    default:
      return `${where} ${e.message ?? 'is invalid'}.`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
