import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentState } from '../../src/incidents/correlate.js';
import { reminderLine, type IncidentNotification, type NotificationTarget } from '../../src/notify/notification.js';
import { notifyStep } from '../../src/notify/outbox.js';
import { dueReminders, queueReminders, reminderSweep } from '../../src/notify/reminders.js';
import type { ConfiguredTarget } from '../../src/notify/targets.js';
import { incidentState, insertIncident } from '../incidents/incident-state.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const OTHER_ORG = '00D5g000004Cx2bEAC';
const HOUR = 3_600_000;
/** Detection, and awareness by detection: 08:00 UTC. */
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);

const incident = (overrides: Partial<IncidentState> = {}): IncidentState =>
  incidentState({ orgId: ORG, revision: 2, openedAt: at(0).toISOString(), ...overrides });

/** A target that keeps what it is told. */
function recorder(name: string) {
  const received: Array<{ key: string; notification: IncidentNotification }> = [];
  const target: NotificationTarget = {
    kind: 'webhook',
    name,
    async deliver(notification, key) {
      received.push({ key, notification });
      return { ok: true, remoteId: key, created: true };
    },
  };
  return { target, received };
}

describe('clock reminders', () => {
  it('is due for the highest threshold each clock has passed, and for none met or not started', () => {
    expect(dueReminders(incident(), at(11))).toEqual([]);
    expect(dueReminders(incident(), at(12))).toEqual([{ clock: 'nis2EarlyWarning24h', state: 'past50', dueAt: '2026-03-03T08:00:00.000Z' }]);
    expect(dueReminders(incident(), at(22)).map((r) => `${r.clock}:${r.state}`)).toEqual(['nis2EarlyWarning24h:past90']);
    expect(dueReminders(incident(), at(40)).map((r) => `${r.clock}:${r.state}`)).toEqual([
      'gdpr72h:past50',
      'nis2EarlyWarning24h:overdue',
      'nis2Notification72h:past50',
    ]);
    const met = incident({ org: { milestones: { earlyWarning: { at: at(5).toISOString() } } } });
    expect(dueReminders(met, at(22))).toEqual([]);
    expect(dueReminders(incident({ awarenessBasis: 'confirmation' }), at(40))).toEqual([]);
    expect(dueReminders(incident({ org: { status: 'Closed', milestones: {} } }), at(40))).toEqual([]);
    expect(dueReminders(incident({ drill: true }), at(40))).toEqual([]);
    expect(dueReminders(incident({ mergedInto: 'b3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b' }), at(40))).toEqual([]);
  });

  it("counts from a DPO's confirmation once it replaced detection", () => {
    const confirmed = incident({ awarenessAt: at(20).toISOString(), awarenessBasis: 'confirmation' });
    expect(dueReminders(confirmed, at(22))).toEqual([]);
    expect(dueReminders(confirmed, at(32)).map((r) => `${r.clock}:${r.state}`)).toEqual(['nis2EarlyWarning24h:past50']);
  });

  it('words a reminder for people: the clock, how far it has run, the deadline', () => {
    expect(reminderLine({ kind: 'reminder', reminder: { clock: 'gdpr72h', state: 'past90', dueAt: '2026-03-05T08:00:00.000Z' } })).toBe(
      'Reminder: GDPR Art. 33: notify the supervisory authority within 72 hours — 90 % of the time is gone; due 2026-03-05T08:00:00.000Z. Record the milestone in the incident console once done.',
    );
    expect(reminderLine({ kind: 'revision' })).toBeUndefined();
  });

  describe.each(STORE_KINDS)('queued and delivered on %s', (kind) => {
    let test: TestStore;
    const soc = recorder('soc');
    const dpoOnlyCritical = recorder('dpo');
    const targets: ConfiguredTarget[] = [
      { target: soc.target, orgs: [], minSeverity: 'High' },
      { target: dpoOnlyCritical.target, orgs: [], minSeverity: 'Critical' },
    ];
    const deliver = () => notifyStep({ store: test.store, owner: 'replica-a', targets, policy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } })();

    beforeAll(async () => {
      test = await openTestStore(kind);
    });
    afterAll(async () => {
      await test.dispose();
    });
    beforeEach(async () => {
      await test.store.query('DELETE FROM notification');
      await test.store.query('DELETE FROM incident');
      soc.received.length = 0;
      dpoOnlyCritical.received.length = 0;
    });

    const insert = (state: IncidentState) => insertIncident(test.store, state);

    it('sends each threshold once per clock and target that wants the incident, however often the sweep runs', async () => {
      await insert(incident());
      await insert(incident({ key: 'c9d8e7f6-a5b4-4c3d-8e2f-1a0b9c8d7e6f', orgId: OTHER_ORG, awarenessBasis: 'confirmation' }));
      expect(await queueReminders(test.store, targets, at(12))).toBe(1);
      expect(await queueReminders(test.store, targets, at(13))).toBe(0);
      expect(await deliver()).toBe(1);
      expect(await queueReminders(test.store, targets, at(22))).toBe(1);
      expect(await queueReminders(test.store, targets, at(25))).toBe(1);
      while ((await deliver()) > 0);
      expect(soc.received.map((r) => r.key)).toEqual([
        'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b:reminder:nis2EarlyWarning24h:past50:soc',
        'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b:reminder:nis2EarlyWarning24h:past90:soc',
        'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b:reminder:nis2EarlyWarning24h:overdue:soc',
      ]);
      expect(soc.received[1]?.notification).toMatchObject({
        kind: 'reminder',
        reminder: { clock: 'nis2EarlyWarning24h', state: 'past90', dueAt: '2026-03-03T08:00:00.000Z' },
        incidentKey: 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
        revision: 2,
        awarenessAt: '2026-03-02T08:00:00.000Z',
      });
      expect(dpoOnlyCritical.received).toEqual([]);
    });

    it('stops reminding of a clock once its milestone is read back from the org', async () => {
      await insert(incident({ severity: 'Critical', org: { milestones: { earlyWarning: { at: at(20).toISOString(), userId: '0055g00000DpOaaAAA' } } } }));
      expect(await queueReminders(test.store, targets, at(40))).toBe(4);
      while ((await deliver()) > 0);
      expect(soc.received.map((r) => r.notification.reminder?.clock).sort()).toEqual(['gdpr72h', 'nis2Notification72h']);
      expect(dpoOnlyCritical.received).toHaveLength(2);
    });

    it('sweeps at most once per interval', async () => {
      await insert(incident());
      let now = at(12);
      const sweep = reminderSweep({ sql: test.store, targets, intervalMs: 60_000, now: () => now });
      expect(await sweep()).toBe(1);
      await test.store.query('DELETE FROM notification');
      now = new Date(at(12).getTime() + 59_000);
      expect(await sweep()).toBe(0);
      now = new Date(at(12).getTime() + 60_000);
      expect(await sweep()).toBe(1);
    });
  });
});
