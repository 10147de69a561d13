import { ENTITY_TYPES } from '../contract/entities.js';
import { hashValue } from '../classify/hash.js';
import type { CanaryRegistry } from './state.js';

const NONE: ReadonlySet<string> = new Set();

/**
 * The salted hashes a classifier would give each canary marker (under every
 * entity type), so a marker is recognised in findings even when the field
 * values were dropped before scoring. Recomputed only when markers are added.
 */
export class CanaryHashes {
  private markerCount = -1;
  private hashes = new Set<string>();

  constructor(private readonly salt: string | undefined) {}

  of(registry: CanaryRegistry): ReadonlySet<string> {
    if (this.salt === undefined || registry.markers.length === 0) return NONE;
    if (registry.markers.length !== this.markerCount) {
      const salt = this.salt;
      this.hashes = new Set(registry.markers.flatMap((m) => ENTITY_TYPES.map((type) => hashValue(type, m, salt))));
      this.markerCount = registry.markers.length;
    }
    return this.hashes;
  }
}
