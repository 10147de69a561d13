import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { IncidentVerdict } from '../../src/incidents/correlate.js';
import { actionKey, parsePlaybooks, proposeActions, type Playbook, type PlaybookRecord } from '../../src/containment/playbooks.js';
import { incidentState } from '../incidents/incident-state.js';

const INTEGRATION = '0055g00000IntEgAAA';
const PERSON = '0055g00000PeRsOAAA';
const SIDECAR = '0055g00000SiDeCAAA';

const verdict = (overrides: Partial<IncidentVerdict>): IncidentVerdict => ({
  eventId: 'b0c5f0de-0000-4000-8000-000000000001',
  severity: 'Critical',
  riskScore: 95,
  codes: ['canary_touched'],
  occurredAt: '2026-03-02T07:41:00.000Z',
  detectedAt: '2026-03-02T08:00:00.000Z',
  summary: 'A canary record was read.',
  actorId: INTEGRATION,
  actorName: 'i•••@•••.example',
  ...overrides,
});

/** The package's own playbook records, as a subscriber org holds them after install. */
const packagedPlaybooks = (): PlaybookRecord[] => {
  const dir = join(import.meta.dirname, '../../../force-app/main/containment/customMetadata');
  const parser = new XMLParser({ ignoreAttributes: true, isArray: (name) => name === 'values' });
  return readdirSync(dir).map((file) => {
    const doc = parser.parse(readFileSync(join(dir, file), 'utf8')) as { CustomMetadata: { values: Array<{ field: string; value: unknown }> } };
    const fields = Object.fromEntries(doc.CustomMetadata.values.map((v) => [v.field, v.value === '' ? null : v.value]));
    return { DeveloperName: file.split('.')[1], ...fields } as PlaybookRecord;
  });
};

describe('containment playbooks (ContainmentPlaybook__mdt)', () => {
  it('reads the packaged playbooks without a problem', () => {
    const { playbooks, problems } = parsePlaybooks(packagedPlaybooks());
    expect(problems).toEqual([]);
    expect(playbooks.find((p) => p.name === 'CanaryIntegrationUser')).toEqual({
      name: 'CanaryIntegrationUser',
      rule: 'canary_touched',
      minSeverity: 'Low',
      actors: 'Integration',
      mode: 'Automatic',
      actions: ['FreezeUser', 'RevokeOAuthTokens', 'EndSessions'],
      durationHours: 0,
    });
  });

  it('leaves out a record it cannot apply as written, and says why', () => {
    const { playbooks, problems } = parsePlaybooks([
      {
        DeveloperName: 'Typo',
        Rule__c: 'canary_touched',
        MinSeverity__c: 'Severe',
        Actors__c: 'Any',
        Mode__c: 'Automatic',
        Actions__c: 'FreezeUser,LockOrg',
        DurationHours__c: 0,
      },
      {
        DeveloperName: 'Fine',
        Rule__c: '*',
        MinSeverity__c: 'Critical',
        Actors__c: 'Any',
        Mode__c: 'AfterApproval',
        Actions__c: 'EndSessions',
        DurationHours__c: 2,
      },
    ]);
    expect(playbooks.map((p) => p.name)).toEqual(['Fine']);
    expect(problems).toEqual(['Typo: MinSeverity__c Severe is not Low, Medium, High or Critical; Actions__c names unknown actions: LockOrg']);
  });

  it('freezes an integration user at once for a canary read, and asks a reviewer before freezing a person', () => {
    const { playbooks } = parsePlaybooks(packagedPlaybooks());
    const incident = incidentState({
      canary: true,
      verdicts: [verdict({ integration: true }), verdict({ eventId: 'b0c5f0de-0000-4000-8000-000000000002', actorId: PERSON, actorName: 'p•••@•••.example' })],
    });
    const proposed = proposeActions(incident, playbooks, SIDECAR);
    const summary = proposed.map((p) => `${p.mode} ${p.action} ${p.targetId}`).sort();
    expect(summary).toEqual([
      `AfterApproval EndSessions ${PERSON}`,
      `AfterApproval FreezeUser ${PERSON}`,
      `Automatic EndSessions ${INTEGRATION}`,
      `Automatic FreezeUser ${INTEGRATION}`,
      `Automatic RevokeOAuthTokens ${INTEGRATION}`,
    ]);
    const freeze = proposed.find((p) => p.action === 'FreezeUser' && p.targetId === INTEGRATION)!;
    expect(freeze).toMatchObject({ playbook: 'CanaryIntegrationUser', rule: 'canary_touched', detectedAt: incident.openedAt, targetLabel: 'i•••@•••.example' });
    expect(freeze.key).toBe(actionKey(incident.key, 'FreezeUser', INTEGRATION.slice(0, 15)));
    expect(freeze.incidentActors).toEqual([INTEGRATION.slice(0, 15), PERSON.slice(0, 15)].sort());
    // The same incident at a later revision asks for the same keys: each action is proposed once.
    expect(proposeActions({ ...incident, revision: 2 }, playbooks, SIDECAR).map((p) => p.key)).toEqual(proposed.map((p) => p.key));
  });

  it('takes Automatic over AfterApproval for one action, sets an expiry from the duration, and skips severities below the playbook', () => {
    const playbooks: Playbook[] = [
      { name: 'Ask', rule: '*', minSeverity: 'High', actors: 'Any', mode: 'AfterApproval', actions: ['FreezeUser'], durationHours: 0 },
      {
        name: 'Now',
        rule: 'integration_interactive',
        minSeverity: 'High',
        actors: 'Integration',
        mode: 'Automatic',
        actions: ['FreezeUser'],
        durationHours: 4,
      },
      { name: 'Quiet', rule: 'volume_anomaly', minSeverity: 'Critical', actors: 'Any', mode: 'NotifyOnly', actions: [], durationHours: 0 },
    ];
    const incident = incidentState({
      verdicts: [
        verdict({ codes: ['integration_interactive'], severity: 'High', integration: true }),
        verdict({ codes: ['unusual_hour'], severity: 'Medium', actorId: PERSON }),
      ],
    });
    const proposed = proposeActions(incident, playbooks);
    expect(proposed).toHaveLength(1);
    expect(proposed[0]).toMatchObject({ mode: 'Automatic', playbook: 'Now', targetId: INTEGRATION, expiresAt: '2026-03-02T12:00:00.000Z' });
  });

  it('asks to set back an org-wide default that opened personal data, once per object and scope', () => {
    const { playbooks } = parsePlaybooks(packagedPlaybooks());
    const change = { object: 'Contact', scope: 'internal' as const, from: 'Private', to: 'Public Read/Write' };
    const opened = verdict({ codes: ['sharing_opened_pii'], severity: 'High', actorId: PERSON, sharingChange: change });
    const incident = incidentState({ verdicts: [opened, { ...opened, eventId: 'b0c5f0de-0000-4000-8000-000000000009' }] });
    const proposed = proposeActions(incident, playbooks, SIDECAR);
    expect(proposed).toEqual([
      expect.objectContaining({
        action: 'RestoreOrgWideDefault',
        mode: 'Automatic',
        playbook: 'SharingOpenedPersonalData',
        targetLabel: 'Contact (internal): Public Read/Write → Private',
        sharingChange: change,
        key: actionKey(incident.key, 'RestoreOrgWideDefault', 'Contact:internal'),
      }),
    ]);
    expect(proposed[0]?.targetId).toBeUndefined();
    // A verdict that names neither a default nor a rule created gives nothing to act on.
    expect(
      proposeActions(incidentState({ verdicts: [verdict({ codes: ['sharing_opened_pii'], severity: 'High', actorId: PERSON })] }), playbooks, SIDECAR),
    ).toEqual([]);
  });

  it('asks to delete a sharing rule that opened personal data, by its object and name', () => {
    const { playbooks } = parsePlaybooks(packagedPlaybooks());
    const rule = { object: 'Contact', rule: 'All_Contacts', ruleType: 'criteria' as const };
    const opened = verdict({ codes: ['sharing_opened_pii'], severity: 'High', actorId: PERSON, sharingRule: rule });
    const incident = incidentState({ verdicts: [opened, { ...opened, eventId: 'b0c5f0de-0000-4000-8000-000000000019' }] });
    const proposed = proposeActions(incident, playbooks, SIDECAR);
    expect(proposed).toEqual([
      expect.objectContaining({
        action: 'DeleteSharingRule',
        mode: 'Automatic',
        playbook: 'SharingOpenedPersonalData',
        targetLabel: 'sharing rule Contact.All_Contacts',
        sharingRule: rule,
        key: actionKey(incident.key, 'DeleteSharingRule', 'Contact.All_Contacts'),
      }),
    ]);
    expect(proposed[0]?.targetId).toBeUndefined();
    expect(proposed[0]?.expiresAt).toBeUndefined();
  });

  it("asks a reviewer to block an AI destination personal data went to, for the playbook's 72 hours", () => {
    const { playbooks } = parsePlaybooks(packagedPlaybooks());
    const flow = verdict({ codes: ['pii_to_ai_outside_region'], severity: 'High', actorId: PERSON, destinationHost: 'ai-notes.example' });
    const incident = incidentState({ verdicts: [flow] });
    expect(proposeActions(incident, playbooks, SIDECAR)).toEqual([
      expect.objectContaining({
        action: 'BlockEgressDestination',
        mode: 'AfterApproval',
        playbook: 'PersonalDataToAiAbroad',
        targetLabel: 'ai-notes.example',
        destinationHost: 'ai-notes.example',
        expiresAt: '2026-03-05T08:00:00.000Z',
      }),
    ]);
  });

  it("never acts on the sidecar's own user, a drill or a merged incident", () => {
    const { playbooks } = parsePlaybooks(packagedPlaybooks());
    const own = incidentState({ canary: true, verdicts: [verdict({ integration: true, actorId: SIDECAR })] });
    expect(proposeActions(own, playbooks, SIDECAR)).toEqual([]);
    expect(proposeActions(incidentState({ drill: true, verdicts: [verdict({ integration: true })] }), playbooks, SIDECAR)).toEqual([]);
    expect(
      proposeActions(incidentState({ mergedInto: 'c0ffee00-0000-4000-8000-000000000000', verdicts: [verdict({ integration: true })] }), playbooks, SIDECAR),
    ).toEqual([]);
  });
});
