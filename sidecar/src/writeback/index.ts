export { createOrgClient, BATCH_SIZE, DEFAULT_API_VERSION } from './client.js';
export type { MetadataError, MetadataRecord, MetadataSaveResult, OrgClient, OrgClientOptions, OrgIdentity, OrgRecord, UpsertResult } from './client.js';
export { OrgRequestError, classifyError } from './errors.js';
export type { RecordError } from './errors.js';
