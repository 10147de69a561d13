import { hash } from 'node:crypto';
import type { EntityType } from '../contract/entities.js';
import { normalizeValue } from './normalize.js';

/**
 * Salted SHA-256 of the normalised value, hex: the org's salt, the type and the value, separated by NUL. Equal
 * values of one type hash alike within an org, so repeats can be counted without storing the value; without the
 * salt the hash cannot be matched against a list of known values.
 */
export function hashValue(type: EntityType, value: string, salt: string): string {
  return hash('sha256', `${salt}\u0000${type}\u0000${normalizeValue(type, value)}`, 'hex');
}
