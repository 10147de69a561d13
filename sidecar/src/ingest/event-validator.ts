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

/** Returns why an event breaks the schema (at most five reasons), or null when it is valid. */
export function eventProblems(candidate: unknown): string[] | null {
  if (checkEvent(candidate)) return null;
  return (checkEvent.errors ?? []).slice(0, 5).map(describeError);
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
