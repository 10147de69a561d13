import { createHash } from 'node:crypto';
import type { Severity } from '../contract/verdict.js';
import { atLeast } from '../detect/severity.js';
import type { IncidentState, SharingChange, SharingRuleRef } from '../incidents/correlate.js';

/** ContainmentAction__c.Action__c, as the restricted picklist spells its values. */
const CONTAINMENT_ACTIONS = ['FreezeUser', 'EndSessions', 'RevokeOAuthTokens', 'RestoreOrgWideDefault', 'DeleteSharingRule', 'BlockEgressDestination'] as const;
export type ContainmentActionName = (typeof CONTAINMENT_ACTIONS)[number];

/** Actions that act on a user (TargetId__c is the user's id). */
const USER_ACTIONS: ReadonlySet<ContainmentActionName> = new Set(['FreezeUser', 'EndSessions', 'RevokeOAuthTokens']);

type PlaybookMode = 'NotifyOnly' | 'AfterApproval' | 'Automatic';

/** One ContainmentPlaybook__mdt record, as read from the org. */
export interface Playbook {
  name: string;
  /** A rule code, or `*` for any rule. */
  rule: string;
  minSeverity: Severity;
  actors: 'Any' | 'Integration' | 'Interactive';
  mode: PlaybookMode;
  actions: ContainmentActionName[];
  /** Hours until reversible actions are lifted; 0 keeps them until an admin undoes them. */
  durationHours: number;
}

/** An action a playbook asks for on one incident. */
interface ProposedAction {
  key: string;
  incidentKey: string;
  action: ContainmentActionName;
  /** The user's 18-character id for user actions. */
  targetId?: string;
  /** The user as the verdicts show them (masked); for an org-wide default, the object and the change. */
  targetLabel: string;
  /** For RestoreOrgWideDefault: the change to set back. */
  sharingChange?: SharingChange;
  /** For DeleteSharingRule: the rule to delete. */
  sharingRule?: SharingRuleRef;
  /** For BlockEgressDestination: the host to block. */
  destinationHost?: string;
  mode: Exclude<PlaybookMode, 'NotifyOnly'>;
  playbook: string;
  rule: string;
  detectedAt: string;
  /** When a reversible action is lifted: detection plus the playbook's duration. */
  expiresAt?: string;
  /** The incident's actors (15-character ids): none may approve the action. */
  incidentActors: string[];
}

const SEVERITIES: ReadonlySet<string> = new Set(['Low', 'Medium', 'High', 'Critical']);
const ACTORS: ReadonlySet<string> = new Set(['Any', 'Integration', 'Interactive']);
const MODES: ReadonlySet<string> = new Set(['NotifyOnly', 'AfterApproval', 'Automatic']);
const ACTION_NAMES: ReadonlySet<string> = new Set(CONTAINMENT_ACTIONS);
/** Which mode wins when two playbooks ask for the same action on the same target. */
const STRENGTH: Record<ProposedAction['mode'], number> = { AfterApproval: 1, Automatic: 2 };

export const PLAYBOOK_QUERY =
  'SELECT DeveloperName, Rule__c, MinSeverity__c, Actors__c, Mode__c, Actions__c, DurationHours__c FROM ContainmentPlaybook__mdt WHERE IsEnabled__c = true ORDER BY DeveloperName';

export interface PlaybookRecord {
  DeveloperName?: unknown;
  Rule__c?: unknown;
  MinSeverity__c?: unknown;
  Actors__c?: unknown;
  Mode__c?: unknown;
  Actions__c?: unknown;
  DurationHours__c?: unknown;
}

/**
 * Reads playbook records as the org holds them. A record the sidecar cannot apply as written (an
 * unknown action, mode or severity) is left out and named in `problems`, so an admin's typo is
 * reported rather than guessed at.
 */
export function parsePlaybooks(records: readonly PlaybookRecord[]): { playbooks: Playbook[]; problems: string[] } {
  const playbooks: Playbook[] = [];
  const problems: string[] = [];
  for (const r of records) {
    const name = typeof r.DeveloperName === 'string' ? r.DeveloperName : '(unnamed)';
    const actions = (typeof r.Actions__c === 'string' ? r.Actions__c : '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const unknown = actions.filter((a) => !ACTION_NAMES.has(a));
    const rule = typeof r.Rule__c === 'string' ? r.Rule__c.trim() : '';
    const hours = Number(r.DurationHours__c ?? 0);
    const wrong = [
      ...(rule === '' ? ['Rule__c is empty'] : []),
      ...(!SEVERITIES.has(String(r.MinSeverity__c)) ? [`MinSeverity__c ${String(r.MinSeverity__c)} is not Low, Medium, High or Critical`] : []),
      ...(!ACTORS.has(String(r.Actors__c)) ? [`Actors__c ${String(r.Actors__c)} is not Any, Integration or Interactive`] : []),
      ...(!MODES.has(String(r.Mode__c)) ? [`Mode__c ${String(r.Mode__c)} is not NotifyOnly, AfterApproval or Automatic`] : []),
      ...(unknown.length > 0 ? [`Actions__c names unknown actions: ${unknown.join(', ')}`] : []),
      ...(!Number.isFinite(hours) || hours < 0 ? ['DurationHours__c is not a number of hours'] : []),
    ];
    if (wrong.length > 0) {
      problems.push(`${name}: ${wrong.join('; ')}`);
      continue;
    }
    playbooks.push({
      name,
      rule,
      minSeverity: r.MinSeverity__c as Severity,
      actors: r.Actors__c as Playbook['actors'],
      mode: r.Mode__c as PlaybookMode,
      actions: [...new Set(actions)] as ContainmentActionName[],
      durationHours: hours,
    });
  }
  return { playbooks, problems };
}

/** ContainmentAction__c.ActionKey__c: the incident, the action and its target, hashed to 40 characters. */
export const actionKey = (incidentKey: string, action: ContainmentActionName, target: string): string =>
  createHash('sha256').update(`${incidentKey}\n${action}\n${target}`).digest('hex').slice(0, 40);

const id15 = (id: string): string => id.slice(0, 15);

/** Actions a playbook's duration lifts (`expiresAt`); the others stay until undone, or cannot be. */
const EXPIRING: ReadonlySet<ContainmentActionName> = new Set(['FreezeUser', 'BlockEgressDestination']);

/**
 * What an action acts on for one verdict: the part of its key that names the target, and the
 * proposal's target fields. Undefined when the verdict gives it nothing to act on (no org-wide
 * default change, no sharing rule created, no destination host, the sidecar's own user).
 */
function targetOf(
  action: ContainmentActionName,
  verdict: IncidentState['verdicts'][number],
  selfUserId: string | undefined,
): { keyPart: string; fields: Pick<ProposedAction, 'targetId' | 'targetLabel' | 'sharingChange' | 'sharingRule' | 'destinationHost'> } | undefined {
  if (action === 'RestoreOrgWideDefault') {
    const change = verdict.sharingChange;
    if (!change) return undefined;
    return {
      keyPart: `${change.object}:${change.scope}`,
      fields: { targetLabel: `${change.object} (${change.scope}): ${change.to} → ${change.from}`, sharingChange: change },
    };
  }
  if (action === 'DeleteSharingRule') {
    const rule = verdict.sharingRule;
    if (!rule) return undefined;
    const fullName = `${rule.object}.${rule.rule}`;
    return { keyPart: fullName, fields: { targetLabel: `sharing rule ${fullName}`, sharingRule: rule } };
  }
  if (action === 'BlockEgressDestination') {
    const host = verdict.destinationHost;
    return host ? { keyPart: host, fields: { targetLabel: host, destinationHost: host } } : undefined;
  }
  if (!USER_ACTIONS.has(action)) return undefined;
  if (selfUserId && id15(verdict.actorId) === id15(selfUserId)) return undefined;
  return { keyPart: id15(verdict.actorId), fields: { targetId: verdict.actorId, targetLabel: verdict.actorName } };
}

/**
 * The actions the playbooks ask for on an incident: for every verdict, every reason code a
 * playbook answers (its rule or `*`, at or above its severity, for its kind of actor), each of
 * the playbook's actions on that verdict's actor. One action per target: when several playbooks
 * ask for it, Automatic wins over AfterApproval. Never the sidecar's own user (`selfUserId`), never
 * a drill's synthetic incident.
 */
export function proposeActions(incident: IncidentState, playbooks: readonly Playbook[], selfUserId?: string): ProposedAction[] {
  if (incident.drill || incident.mergedInto) return [];
  const byKey = new Map<string, ProposedAction>();
  const actors = [...new Set(incident.verdicts.map((v) => id15(v.actorId)))].sort();
  for (const verdict of incident.verdicts) {
    if (verdict.drill) continue;
    for (const playbook of playbooks) {
      if (playbook.mode === 'NotifyOnly') continue;
      if (!atLeast(verdict.severity, playbook.minSeverity)) continue;
      if (playbook.actors === 'Integration' && !verdict.integration) continue;
      if (playbook.actors === 'Interactive' && verdict.integration) continue;
      const rule = playbook.rule === '*' ? verdict.codes[0] : verdict.codes.find((c) => c === playbook.rule);
      if (!rule) continue;
      for (const action of playbook.actions) {
        const target = targetOf(action, verdict, selfUserId);
        if (!target) continue;
        const proposal: ProposedAction = {
          key: actionKey(incident.key, action, target.keyPart),
          incidentKey: incident.key,
          action,
          ...target.fields,
          mode: playbook.mode,
          playbook: playbook.name,
          rule,
          detectedAt: incident.openedAt,
          ...(playbook.durationHours > 0 && EXPIRING.has(action)
            ? { expiresAt: new Date(Date.parse(incident.openedAt) + playbook.durationHours * 3_600_000).toISOString() }
            : {}),
          incidentActors: actors,
        };
        const known = byKey.get(proposal.key);
        if (!known || STRENGTH[proposal.mode] > STRENGTH[known.mode]) byKey.set(proposal.key, proposal);
      }
    }
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}
