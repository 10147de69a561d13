export { createOrgClient } from './client.js';
export type { OrgClient, OrgRecord, UpsertResult } from './client.js';
export { OrgRequestError, classifyError } from './errors.js';
