import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { LeakEvent } from '../contract/event.js';

const SCHEMA_URL = new URL('../../schemas/event-envelope.schema.json', import.meta.url);

/** The envelope JSON Schema (the contract with the package), loaded once. */
export const envelopeJsonSchema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as {
  definitions: Record<string, unknown>;
};

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(envelopeJsonSchema, 'envelope');
const validate = ajv.getSchema<LeakEvent>('envelope#/definitions/event');
if (!validate) throw new Error('event definition missing from the envelope schema');
const checkEvent = validate;

const MAX_DETAILS_DEPTH = 32;

/** Returns why an event breaks the schema (at most five reasons), or null when it is valid. */
export function eventProblems(candidate: unknown): string[] | null {
  if (!checkEvent(candidate)) return (checkEvent.errors ?? []).slice(0, 5).map(describeError);
  if (depthOf((candidate as LeakEvent).details, MAX_DETAILS_DEPTH + 1) > MAX_DETAILS_DEPTH) {
    return [`details nests deeper than ${MAX_DETAILS_DEPTH} levels`];
  }
  return null;
}

/** Nesting depth of a JSON value, counted no further than `limit`. */
function depthOf(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object' || limit === 0) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit - 1));
    if (deepest >= limit - 1) break;
  }
  return 1 + deepest;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'event';
  switch (e.keyword) {
    case 'required':
      return `${where === 'event' ? '' : `${where}.`}${String(e.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${where} has an unknown property "${String(e.params.additionalProperty)}"`;
    case 'enum':
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'format':
      return `${where} must be ${e.params.format === 'uuid' ? 'a UUID' : `an ${String(e.params.format)} value (ISO-8601)`}`;
    case 'pattern':
      return `${where} is not in the expected form${where.endsWith('Id') || where.includes('Ids') ? ' (a 15- or 18-character Salesforce id)' : ''}`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}
