import type { ClassifiedEvent } from '../contract/verdict.js';

/**
 * What the durable queue keeps for an acknowledged event: the classified event with
 * every field value removed and string details masked, plus processing notes
 * (e.g. truncations) for the verdict.
 */
export interface StoredEvent extends ClassifiedEvent {
  notes: string[];
}
