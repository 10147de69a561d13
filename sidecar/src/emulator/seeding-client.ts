/**
 * The client side of the emulator's seeding API (README, "Seeding API"): what the demo, the tests
 * and independent data sets use to load raw org data with Salesforce's own field and column names.
 */

/** One event log file as `POST /__emulator/event-log-files` takes it. */
export interface EventLogFileUpload {
  eventType: string;
  interval: 'Hourly' | 'Daily';
  logDate: string;
  csv: string;
  /** When the org generated the file; default now. */
  createdDate?: string;
  sequence?: number;
  fieldTypes?: string[];
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST ${new URL(url).pathname} answered HTTP ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** `POST /__emulator/records/{SObject}`: seeds records (at most 10,000) and returns their ids in order. */
export async function seedRecords(orgUrl: string, sobject: string, records: ReadonlyArray<Record<string, unknown>>): Promise<string[]> {
  return (await post<{ ids: string[] }>(`${orgUrl}/__emulator/records/${sobject}`, { records })).ids;
}

/** `POST /__emulator/event-log-files`: seeds one file and returns its EventLogFile id, length and lines. */
export async function seedEventLogFile(orgUrl: string, file: EventLogFileUpload): Promise<{ id: string; logFileLength: number; lines: number }> {
  return post(`${orgUrl}/__emulator/event-log-files`, file);
}

/**
 * `POST /__emulator/pubsub/{Topic}`: publishes monitoring events (at most 10,000) on a Pub/Sub API
 * channel (`ApiEventStream` or `/event/ApiEventStream`) and returns their replay ids (base64) in order.
 */
export async function seedPubSubEvents(orgUrl: string, topic: string, events: ReadonlyArray<Record<string, unknown>>): Promise<string[]> {
  return (await post<{ replayIds: string[] }>(`${orgUrl}/__emulator/pubsub/${topic.replace(/^\/event\//, '')}`, { events })).replayIds;
}

/** One sharing rule as `POST /__emulator/sharing-rules` takes it: its Metadata API type and component. */
export interface SharingRuleSeed {
  type: 'SharingCriteriaRule' | 'SharingOwnerRule' | 'SharingGuestRule';
  rule: Record<string, unknown> & { fullName: string };
}

/** `POST /__emulator/sharing-rules`: creates a sharing rule as an admin does in Setup. */
export async function seedSharingRule(orgUrl: string, seed: SharingRuleSeed): Promise<void> {
  await post(`${orgUrl}/__emulator/sharing-rules`, seed);
}
