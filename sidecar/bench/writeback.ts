// Records per second the write-back client upserts into the org emulator over HTTP: verdicts,
// then findings that reference their verdict by external id, 200 per sObject Collections request.
// Measures the client and the emulator together (JSON, JWT session, validation), not a real org.
import { startOrgEmulator } from '../src/emulator/index.js';
import { createOrgClient } from '../src/writeback/index.js';

const VERDICTS = 10_000;
const TARGET = 2_000;

const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const emulator = await startOrgEmulator();
const client = createOrgClient({
  loginUrl: emulator.url,
  clientId: emulator.connectedApp.clientId,
  username: emulator.identity.username,
  privateKey: emulator.connectedApp.privateKey,
});
await client.identity();

const verdicts = Array.from({ length: VERDICTS }, (_, n) => ({
  EventId__c: eventId(n),
  OrgEventKind__c: 'dml',
  Severity__c: 'High',
  RiskScore__c: 70,
  ObjectName__c: 'Contact',
  Operation__c: 'delete',
  RecordCount__c: 2000,
  OccurredAt__c: '2026-11-02T03:04:05.000Z',
  ReasonSummary__c: 'campaigns@acme-shop.example deleted 2000 Contact records holding personal data in one session.',
  Reasons__c: JSON.stringify([{ code: 'mass_delete_pii', weight: 60, message: 'Mass delete of records holding personal data.' }]),
}));
const findings = verdicts.map((verdict) => ({
  FindingKey__c: `${verdict.EventId__c}:-:Description:CREDIT_CARD`,
  LeakVerdict__r: { EventId__c: verdict.EventId__c },
  EntityType__c: 'CREDIT_CARD',
  Confidence__c: 0.99,
  MaskedSample__c: '4111 •••• •••• 1111',
  ValueHash__c: 'f'.repeat(64),
}));

const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
};

const insertSeconds = await timed(() => client.upsert('LeakVerdict__c', 'EventId__c', verdicts));
const findingSeconds = await timed(() => client.upsert('PiiFinding__c', 'FindingKey__c', findings));
const updateSeconds = await timed(() => client.upsert('LeakVerdict__c', 'EventId__c', verdicts));
await emulator.close();

const rate = (seconds: number) => Math.round(VERDICTS / seconds);
const row = (label: string, seconds: number) =>
  console.log(
    `| ${label} | ${rate(seconds).toLocaleString('en')} | ${((seconds * 1000 * 200) / VERDICTS).toFixed(1)} ms | ≥ ${TARGET.toLocaleString('en')} ${rate(seconds) >= TARGET ? '✓' : '✗'} |`,
  );

console.log(`${VERDICTS.toLocaleString('en')} records per pass, 200 per request, one client, sequential requests\n`);
console.log('| pass | records per second | per request | target |');
console.log('|---|---:|---:|---:|');
row('verdicts inserted', insertSeconds);
row('findings inserted (parent by external id)', findingSeconds);
row('verdicts updated (same external ids)', updateSeconds);
