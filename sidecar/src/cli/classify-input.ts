import type { ClassifyInput } from '../contract/entities.js';

export interface InputRecord extends ClassifyInput {
  id: string | number;
}

/** Parses and checks one input line: {"id","text","field":{"name","type","label"}?}. Throws a readable message. */
export function parseInputLine(line: string): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
  const { id, text, field } = value as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error('"id" must be a string or a number');
  if (typeof text !== 'string') throw new Error('"text" must be a string');
  if (field === undefined || field === null) return { id, text };
  if (typeof field !== 'object' || Array.isArray(field)) throw new Error('"field" must be an object');
  const hint = field as Record<string, unknown>;
  for (const key of ['name', 'type', 'label'] as const) {
    if (hint[key] !== undefined && typeof hint[key] !== 'string') throw new Error(`"field.${key}" must be a string`);
  }
  return { id, text, field: { name: hint.name as string | undefined, type: hint.type as string | undefined, label: hint.label as string | undefined } };
}
