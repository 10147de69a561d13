import type { EntityType, FieldFinding } from '../src/contract/entities.js';
import type { LeakEvent } from '../src/contract/event.js';
import type { ClassifiedEvent } from '../src/contract/verdict.js';
import { ORG_ID } from './org.js';
import type { Random } from '../src/synthetic/random.js';

/** One event of the stream with its label: the incident it belongs to, or null for normal traffic. */
export interface LabelledEvent {
  input: ClassifiedEvent;
  incident: string | null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Collects events at given day/hour/minute offsets from the start of the stream. */
export class StreamBuilder {
  readonly events: LabelledEvent[] = [];

  constructor(
    readonly rng: Random,
    private readonly startMs: number,
  ) {}

  /** Emits an event `minutes` (fractions allowed) after midnight of `day`. */
  emit(day: number, minutes: number, event: Omit<LeakEvent, 'id' | 'occurredAt'>, findings: FieldFinding[] = [], incident: string | null = null): void {
    const ms = this.startMs + day * DAY_MS + Math.floor(minutes * MINUTE_MS) + this.rng.int(0, 59) * 1000;
    this.events.push({
      incident,
      input: {
        orgId: ORG_ID,
        findings,
        event: { id: this.rng.uuid(), occurredAt: new Date(ms).toISOString(), ...event },
      },
    });
  }

  /** A classifier finding with masked samples only, as the classification stage would produce. */
  finding(field: string, fieldType: string, types: EntityType[], recordId?: string): FieldFinding {
    return {
      recordId,
      field,
      fieldType,
      entities: types.map((type) => ({
        type,
        start: 0,
        end: 8,
        score: 0.85 + this.rng.next() * 0.15,
        detector: type === 'PERSON' ? 'ner' : `pattern:${type.toLowerCase()}`,
        masked: '•••• ••••',
        hash: this.rng.uuid().replace(/-/g, ''),
      })),
    };
  }

  /** Splits `total` records into slices of at most `size`, one event every `gapMinutes`. */
  slices(
    day: number,
    startMinutes: number,
    total: number,
    size: number,
    gapMinutes: number,
    event: (count: number) => Omit<LeakEvent, 'id' | 'occurredAt'>,
    incident: string | null = null,
  ): void {
    let minutes = startMinutes;
    for (let left = total; left > 0; left -= size) {
      this.emit(day, minutes, event(Math.min(size, left)), [], incident);
      minutes += gapMinutes;
    }
  }

  sorted(): LabelledEvent[] {
    return [...this.events].sort((a, b) => a.input.event.occurredAt.localeCompare(b.input.event.occurredAt));
  }
}
