import { createHash } from 'node:crypto';
import type { Entity, EntityType } from '../contract/entities.js';
import type { StoredEvent } from '../ingest/stored-event.js';
import { number, text } from './field-values.js';
import type { SObjectRecord } from './sobject-record.js';

const KEY_MAX = 120;

/** PiiFinding__c: one per entity type per field per record, keeping the most confident match's sample and hash. */
export function piiFindingRecords(stored: StoredEvent): SObjectRecord[] {
  const eventId = stored.event.id;
  const groups = new Map<string, { recordId?: string; field: string; type: EntityType; best: Entity; count: number }>();
  for (const finding of stored.findings) {
    for (const entity of finding.entities) {
      const key = findingKey(eventId, finding.recordId, finding.field, entity.type);
      const group = groups.get(key);
      if (!group)
        groups.set(key, {
          recordId: finding.recordId,
          field: finding.field,
          type: entity.type,
          best: entity,
          count: 1,
        });
      else {
        group.count += 1;
        if (entity.score > group.best.score) group.best = entity;
      }
    }
  }
  return [...groups].map(([key, g]) => ({
    sobject: 'PiiFinding__c',
    externalIdField: 'FindingKey__c',
    externalId: key,
    parentExternalId: eventId,
    fields: {
      FindingKey__c: key,
      LeakVerdict__r: { EventId__c: eventId },
      RecordId__c: text(g.recordId, 18),
      // An egress finding is in a request's body, URL or headers, not in a field of the object the
      // verdict names: left blank, it stays out of the data map and the classification suggestions.
      ObjectName__c: stored.event.kind === 'egress' ? null : text(stored.event.object, 80),
      FieldName__c: text(g.field, 80),
      EntityType__c: g.type,
      Confidence__c: number(Math.max(0, Math.min(1, g.best.score)), 4, 3),
      Detector__c: text(g.best.detector, 40),
      Occurrences__c: number(g.count, 6, 0),
      MaskedSample__c: text(g.best.masked, 255),
      ValueHash__c: text(g.best.hash, 64),
    },
  }));
}

/** `<eventId>:<recordId or '-'>:<field>:<type>`; a field name too long for the key is replaced by its digest. */
function findingKey(eventId: string, recordId: string | undefined, field: string, type: string): string {
  const key = `${eventId}:${recordId ?? '-'}:${field}:${type}`;
  if (key.length <= KEY_MAX) return key;
  const digest = createHash('sha256').update(field).digest('hex').slice(0, 32);
  return `${eventId}:${recordId ?? '-'}:${digest}:${type}`;
}
