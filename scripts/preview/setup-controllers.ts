import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CANARY_OBJECTS } from '../../sidecar/src/collect/canaries.js';
import type { SidecarEndpoint } from '../../sidecar/src/demo/replay.js';
import type { OrgClient } from '../../sidecar/src/writeback/index.js';
import { ApexError, ApiParamError, signalCoverage, type Method } from './controllers.js';

/**
 * The Leakwatch Setup tab's Apex controllers (force-app/main/setup/classes), answered from the emulated org and the
 * demo's sidecar. Where Apex calls out through the `LeakwatchSidecar` named credential, these call the sidecar's API
 * with the org's bearer secret: the connection check reads `GET /v1/status`, and the Canaries card's
 * `POST /v1/canaries` has the sidecar plant its records in the emulated org, as it does in a real one. Without a
 * sidecar every callout fails, as in an org whose named credential has no URL.
 */

export interface SetupControllerContext {
  org: OrgClient;
  /** The sidecar the `LeakwatchSidecar` named credential points to, with this org's secret. */
  sidecar?: SidecarEndpoint;
  now?: () => Date;
}

/** CanaryController.MAX_COUNT (pinned by scripts/package/sidecar-parity.test.ts). */
export const CANARY_MAX_COUNT = 20;
/** DrillController.TIMEOUT_SECONDS: how long a drill started from the setup tab waits for the targets. */
export const DRILL_TIMEOUT_SECONDS = 120;
/** SignalCoverage.ATTENTION: the states an admin has to act on. */
export const COVERAGE_ATTENTION = new Set(['SwitchedOff', 'Failing', 'NotCollected', 'Stale', 'NotReported']);
/** SidecarClient.TIMEOUT_MILLISECONDS. */
const CALLOUT_TIMEOUT_MS = 60_000;
const DAY = 86_400_000;
const SEE_CONNECTION_CHECK = ' The Sidecar connection check on this tab says what to set.';
const CUSTOM_METADATA = fileURLToPath(new URL('../../force-app/main/configuration/customMetadata/', import.meta.url));

/** A callout that got no answer: Apex's CalloutException. */
class CalloutError extends Error {}

interface SidecarReply {
  status: number;
  body: unknown;
}

interface Check {
  key: string;
  label: string;
  ok: boolean;
  message: string;
}

/** The field values of one of the package's custom metadata records: the emulated org holds no custom metadata. */
const metadataValues = (file: string): Record<string, string> =>
  Object.fromEntries(
    [...readFileSync(join(CUSTOM_METADATA, file), 'utf8').matchAll(/<field>(\w+)<\/field>\s*<value[^>]*>([^<]*)<\/value>/g)].map((m) => [m[1], m[2]]),
  );

/** The package's default configuration, as ConfigurationSelector reads it in an org that changed nothing. */
const packageConfiguration = (): { monitoredObjects: string[]; triggersEnabled: boolean } => ({
  monitoredObjects: readdirSync(CUSTOM_METADATA)
    .filter((file) => file.startsWith('MonitoredObject.'))
    .map(metadataValues)
    .filter((values) => values.IsEnabled__c === 'true')
    .map((values) => values.ObjectApiName__c ?? '')
    .sort(),
  triggersEnabled: metadataValues('LeakwatchSetting.Default.md-meta.xml').TriggersEnabled__c === 'true',
});

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const createSetupControllers = (context: SetupControllerContext): Record<string, Record<string, Method>> => {
  const { org, sidecar } = context;
  const now = context.now ?? (() => new Date());
  const configuration = packageConfiguration();

  /** SidecarClient: one request through the named credential. */
  const callSidecar = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<SidecarReply> => {
    if (!sidecar) throw new CalloutError('The LeakwatchSidecar named credential has no URL.');
    let response: Response;
    try {
      response = await fetch(`${sidecar.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${sidecar.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(CALLOUT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CalloutError(error instanceof Error && error.name === 'TimeoutError' ? 'Read timed out' : 'Connection refused.');
    }
    const text = await response.text();
    try {
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    } catch {
      return { status: response.status, body: null };
    }
  };

  const checkConnection = async (): Promise<Check> => {
    const check = (ok: boolean, message: string): Check => ({ key: 'connection', label: 'Sidecar connection', ok, message });
    let status: number;
    try {
      status = (await callSidecar('GET', '/v1/status')).status;
    } catch (error) {
      return check(
        false,
        `The sidecar could not be reached: ${(error as Error).message} Set the URL of the LeakwatchSidecar named credential and give your permission set access to its principal.`,
      );
    }
    if (status === 200) return check(true, "The sidecar answered and accepted the org's secret.");
    if (status === 401 || status === 403) {
      return check(
        false,
        `The sidecar refused the secret (HTTP ${status}). Set BearerToken on the OrgSecret principal of the LeakwatchSidecar external credential to this org's secret.`,
      );
    }
    return check(false, `The sidecar answered HTTP ${status}. Check its logs.`);
  };

  const checkNotifications = async (): Promise<Check> => {
    const check = (ok: boolean, message: string): Check => ({ key: 'notifications', label: 'Incident notifications', ok, message });
    let counts: Record<string, unknown> | undefined;
    try {
      const reply = await callSidecar('GET', '/v1/status');
      if (reply.status === 200 && isRecord(reply.body) && isRecord(reply.body.notifications)) counts = reply.body.notifications;
    } catch (error) {
      if (!(error instanceof CalloutError)) throw error;
    }
    if (!counts) return check(false, 'Unknown until the sidecar connection check passes.');
    const dead = typeof counts.dead === 'number' ? counts.dead : 0;
    const pending = typeof counts.pending === 'number' ? counts.pending : 0;
    if (dead > 0) {
      return check(
        false,
        `${dead} notifications could not be delivered: a target refused them or kept failing. The sidecar's log names the target and why; once it is fixed, re-queue them with leakwatch redrive --notifications.`,
      );
    }
    return check(true, pending === 0 ? 'Every incident notification was delivered.' : `${pending} notifications are on their way; none has failed for good.`);
  };

  const checkCollectors = async (): Promise<Check> => {
    const statuses = await org.query('SELECT SourceKey__c, State__c, LastRowAt__c, Rows24h__c, LastError__c, CheckedAt__c FROM CollectorStatus__c');
    const attention: string[] = [];
    const reported: string[] = [];
    for (const signal of signalCoverage(statuses, now())) {
      if (signal.mode !== 'Polled') continue;
      (COVERAGE_ATTENTION.has(String(signal.state)) ? attention : reported).push(`${String(signal.name)} (${String(signal.stateLabel).toLowerCase()})`);
    }
    let message = `Reported by the sidecar: ${reported.length === 0 ? 'nothing' : reported.join(', ')}.`;
    if (attention.length > 0) {
      message = `Needs attention: ${attention.join(', ')}. Check that the sidecar runs with its collectors on and that its integration user has Leakwatch Integration. ${message}`;
    }
    return { key: 'collectors', label: 'Sidecar collectors', ok: attention.length === 0, message };
  };

  const checkDeliveryFailures = async (): Promise<Check> => {
    const since = now().getTime() - 7 * DAY;
    const failures = (await org.query<{ CreatedDate?: string }>('SELECT Id, CreatedDate FROM DeliveryFailure__c')).filter(
      (failure) => Date.parse(failure.CreatedDate ?? '') >= since,
    ).length;
    return failures === 0
      ? { key: 'deliveryFailures', label: 'Deliveries', ok: true, message: 'No delivery failed in the last 7 days.' }
      : {
          key: 'deliveryFailures',
          label: 'Deliveries',
          ok: false,
          message: `${failures} deliveries failed in the last 7 days. See the Delivery Failures tab.`,
        };
  };

  const getChecks: Method = async () => [
    await checkConnection(),
    configuration.monitoredObjects.length === 0
      ? { key: 'monitoredObjects', label: 'Monitored objects', ok: false, message: 'No object is monitored. Enable a Monitored Object record.' }
      : { key: 'monitoredObjects', label: 'Monitored objects', ok: true, message: `Capturing changes on ${configuration.monitoredObjects.join(', ')}.` },
    configuration.triggersEnabled
      ? { key: 'triggers', label: 'Capture triggers', ok: true, message: 'Capture triggers are on.' }
      : { key: 'triggers', label: 'Capture triggers', ok: false, message: 'Capture triggers are switched off in the Default Leakwatch Setting.' },
    await checkCollectors(),
    await checkDeliveryFailures(),
    await checkNotifications(),
  ];

  // CanaryController. The preview's user holds every Leakwatch permission set, ManageCanaries included.
  const calloutRefusal = (error: unknown, whenTimedOut: string): ApexError => {
    if (!(error instanceof CalloutError)) throw error;
    return /timed out|maximum time/i.test(error.message)
      ? new ApexError(`The sidecar did not answer in time. ${whenTimedOut}`)
      : new ApexError(`The sidecar could not be reached.${SEE_CONNECTION_CHECK}`);
  };

  const readReply = (reply: SidecarReply, expectedStatus: number): Record<string, unknown> => {
    if (reply.status !== expectedStatus) {
      const requestId = isRecord(reply.body) && typeof reply.body.requestId === 'string' ? reply.body.requestId.slice(0, 40) : '';
      const reference = requestId ? ` (sidecar request ${requestId})` : '';
      if (reply.status === 401 || reply.status === 403)
        throw new ApexError(`The sidecar refused this org's secret (HTTP ${reply.status}).${SEE_CONNECTION_CHECK}`);
      if (reply.status === 409) {
        throw new ApexError(
          "The sidecar has no connection to this org, so it cannot create records here. Give the sidecar this org's connection (its SF_* settings, or the org's entry in LEAKWATCH_ORGS_FILE), then plant again.",
        );
      }
      if (reply.status === 502) {
        throw new ApexError(
          `The org refused the canary records the sidecar tried to create${reference}. Check that the sidecar's integration user may create them and that no validation or duplicate rule blocks them; the sidecar's log names the reason.`,
        );
      }
      throw new ApexError(`The sidecar answered HTTP ${reply.status}${reference}. Check its logs.`);
    }
    if (!isRecord(reply.body)) throw unreadable();
    return reply.body;
  };

  const unreadable = (): ApexError =>
    new ApexError("The sidecar's answer is not a list of canaries. Check that the LeakwatchSidecar named credential points to the sidecar.");

  const readCanaries = (records: unknown): { recordId: string; label: string | null }[] => {
    if (!Array.isArray(records)) throw unreadable();
    return records.map((record: unknown) => {
      if (!isRecord(record) || typeof record.recordId !== 'string') throw unreadable();
      return { recordId: record.recordId, label: typeof record.label === 'string' ? record.label : null };
    });
  };

  const plantCanaries: Method = async ({ objectName, count }) => {
    if (typeof objectName !== 'string' || !(CANARY_OBJECTS as readonly string[]).includes(objectName))
      throw new ApexError('Canaries are planted as Contacts or Leads.');
    if (count !== undefined && count !== null && !Number.isInteger(count)) throw new ApiParamError('count must be an Integer');
    if (typeof count !== 'number' || count < 1 || count > CANARY_MAX_COUNT) throw new ApexError(`Plant from 1 to ${CANARY_MAX_COUNT} canaries at a time.`);
    let reply: SidecarReply;
    try {
      reply = await callSidecar('POST', '/v1/canaries', { object: objectName, count });
    } catch (error) {
      throw calloutRefusal(error, 'It may still have planted them: refresh the list before planting again.');
    }
    return readCanaries(readReply(reply, 201).seeded);
  };

  const getCanaries: Method = async () => {
    let reply: SidecarReply;
    try {
      reply = await callSidecar('GET', '/v1/canaries');
    } catch (error) {
      throw calloutRefusal(error, 'Refresh the list in a moment.');
    }
    const body = readReply(reply, 200);
    return { records: readCanaries(body.records), markerCount: Number.isInteger(body.markers) ? body.markers : 0 };
  };

  // DrillController: the same checks and readings as the Apex class, against the demo's sidecar and its targets.
  const DRILL_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  const unreadableDrill = (): ApexError =>
    new ApexError("The sidecar's answer is not a drill. Check that the LeakwatchSidecar named credential points to the sidecar.");

  const readDrillReply = (reply: SidecarReply, expectedStatus: number): Record<string, unknown> => {
    if (reply.status === 404)
      throw new ApexError('The sidecar knows no such drill of this org. Run a drill again; an older sidecar may not run drills at all.');
    if (reply.status === 409 && isRecord(reply.body) && typeof reply.body.message === 'string')
      throw new ApexError(`The sidecar cannot run a drill for this org: ${reply.body.message.slice(0, 300)}`);
    const body = reply.status === expectedStatus ? reply.body : readReply(reply, expectedStatus);
    if (!isRecord(body)) throw unreadableDrill();
    return body;
  };

  const startDrill: Method = async () => {
    let reply: SidecarReply;
    try {
      reply = await callSidecar('POST', '/v1/drills', { timeoutSeconds: DRILL_TIMEOUT_SECONDS });
    } catch (error) {
      throw calloutRefusal(error, 'It may still have started: check the targets before running it again.');
    }
    const { drillId } = readDrillReply(reply, 202);
    if (typeof drillId !== 'string' || !DRILL_ID.test(drillId)) throw unreadableDrill();
    return drillId;
  };

  const getDrill: Method = async ({ drillId }) => {
    if (typeof drillId !== 'string' || !DRILL_ID.test(drillId)) throw new ApexError('That is not the id of a drill. Run a drill to get one.');
    let reply: SidecarReply;
    try {
      reply = await callSidecar('GET', `/v1/drills/${drillId}`);
    } catch (error) {
      throw calloutRefusal(error, 'The drill goes on: its progress shows again in a moment.');
    }
    const body = readDrillReply(reply, 200);
    if (typeof body.state !== 'string' || !Array.isArray(body.targets)) throw unreadableDrill();
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    const whole = (value: unknown): number | null => (Number.isInteger(value) ? (value as number) : null);
    const incident = isRecord(body.incident) ? body.incident : {};
    return {
      drillId: text(body.drillId),
      state: body.state,
      elapsedMs: whole(body.elapsedMs),
      incidentKey: text(incident.key),
      incidentTitle: text(incident.title),
      targets: body.targets.map((target: unknown) => {
        if (!isRecord(target)) throw unreadableDrill();
        const lastError = text(target.lastError);
        return {
          name: text(target.name),
          kind: text(target.kind),
          state: text(target.state),
          deliveredMs: whole(target.deliveredMs),
          remoteId: text(target.remoteId),
          problem: lastError !== null ? lastError.slice(0, 255) : text(target.reason),
        };
      }),
    };
  };

  return {
    LeakwatchSetupController: { getChecks },
    CanaryController: { plantCanaries, getCanaries },
    DrillController: { startDrill, getDrill },
  };
};
