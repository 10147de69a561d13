import { randomUUID } from 'node:crypto';

export const ORG_ID = '00D5g000004Cx1aEAC';
export const SECRET = 'test-secret-0123456789abcdef';
export const ORG_SECRETS = new Map([[ORG_ID.slice(0, 15), SECRET]]);
export const AUTH = { authorization: `Bearer ${SECRET}` };

/** A DML event whose Description holds an e-mail address and a card number. */
export function dmlEvent(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    kind: 'dml',
    occurredAt: '2026-11-02T03:04:05.000Z',
    actor: { userId: '0055g00000AbCdEAAZ', username: 'shopsync@acme-shop.example', isIntegration: true },
    object: 'Contact',
    operation: 'update',
    recordCount: 1,
    recordIds: ['0035g00000Qw1AaAAJ'],
    fields: [
      {
        name: 'Description',
        type: 'TEXTAREA',
        recordId: '0035g00000Qw1AaAAJ',
        value: 'Customer jane.doe@example.com paid with 4111 1111 1111 1111',
      },
    ],
    ...overrides,
  };
}

export function envelope(events: unknown[], overrides: Record<string, unknown> = {}) {
  return { schemaVersion: 1, orgId: ORG_ID, batchId: randomUUID(), events, ...overrides };
}
