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

/**
 * Salted SHA-256 of a key the detector only compares (a session or Bulk API job key), shortened to 32 hex
 * characters and marked `k:`: stored in place of the key, so equal keys still add up and none can be read back.
 */
export function hashKey(value: string, salt: string): string {
  return `k:${hash('sha256', `${salt}\u0000KEY\u0000${value}`, 'hex').slice(0, 32)}`;
}
