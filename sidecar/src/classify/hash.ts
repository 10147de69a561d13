import { createHmac } from 'node:crypto';
import type { EntityType } from '../contract/entities.js';
import { normalizeValue } from './normalize.js';

/**
 * Salted SHA-256 (HMAC keyed by the org's salt) of the normalised value, hex. Equal values of one type
 * hash alike within an org, so repeats can be counted without storing the value.
 */
export function hashValue(type: EntityType, value: string, salt: string): string {
  return createHmac('sha256', salt).update(`${type}\u0000${normalizeValue(type, value)}`).digest('hex');
}
