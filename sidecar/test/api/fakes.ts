import type { ClassifiedEvent, Detector, Verdict } from '../../src/contract/verdict.js';
import type { OrgClient, UpsertResult } from '../../src/outbox/org-client.js';

/** A detector that gives every event the same verdict, so tests know which events must reach the org. */
export function everyEventScores(): Detector {
  return {
    async score(input: ClassifiedEvent): Promise<Verdict> {
      const piiTypes = [...new Set(input.findings.flatMap((f) => f.entities.map((e) => e.type)))];
      return {
        eventId: input.event.id,
        orgId: input.orgId,
        severity: 'Medium',
        riskScore: 50,
        reasons: [{ code: 'test_rule', weight: 50, message: 'Scored by the test detector.' }],
        piiTypes,
        zScore: 1.5,
      };
    },
  };
}

type Fault = { kind: 'throw'; retryable: boolean } | { kind: 'record'; retryable: boolean; errorCode: string };

/**
 * An in-memory org: upserts by external id, refuses a child whose LeakVerdict__r points
 * at a verdict it does not hold, and counts every write per record.
 */
export function fakeOrg() {
  const records = new Map<string, Map<string, Record<string, unknown>>>();
  const writes = new Map<string, number>();
  const faults: Fault[] = [];
  let calls = 0;
  const client: OrgClient = {
    async upsert(sobject, field, batch): Promise<UpsertResult[]> {
      calls += 1;
      const fault = faults.shift();
      if (fault?.kind === 'throw') {
        throw Object.assign(new Error(fault.retryable ? 'Service Unavailable' : 'INVALID_TYPE'), {
          retryable: fault.retryable,
        });
      }
      const table = records.get(sobject) ?? new Map<string, Record<string, unknown>>();
      records.set(sobject, table);
      return batch.map((record, i) => {
        if (fault?.kind === 'record' && i === 0) {
          return { success: false, retryable: fault.retryable, errorCode: fault.errorCode, message: 'injected' };
        }
        const parent = record.LeakVerdict__r as { EventId__c: string } | undefined;
        if (parent && !records.get('LeakVerdict__c')?.has(parent.EventId__c)) {
          return {
            success: false,
            retryable: false,
            errorCode: 'INVALID_FIELD',
            message: 'Foreign key external ID not found',
          };
        }
        const key = String(record[field]);
        const created = !table.has(key);
        table.set(key, { ...table.get(key), ...record });
        writes.set(`${sobject}:${key}`, (writes.get(`${sobject}:${key}`) ?? 0) + 1);
        return { success: true, created, id: `a00${key.slice(0, 12)}` };
      });
    },
  };
  return {
    client,
    records: (sobject: string) => [...(records.get(sobject)?.values() ?? [])],
    writes,
    get calls() {
      return calls;
    },
    /** Queues faults for the next calls, in order. */
    inject: (...next: Fault[]) => faults.push(...next),
  };
}
