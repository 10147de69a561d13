import { afterEach, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator, type OrgEmulatorOptions } from '../../src/emulator/index.js';
import { createOrgClient, OrgRequestError } from '../../src/writeback/index.js';

let org: OrgEmulator | undefined;
afterEach(async () => {
  await org?.close();
  org = undefined;
});

const start = async (options: OrgEmulatorOptions = {}, apiVersion = '62.0') => {
  org = await startOrgEmulator({ port: 0, pubsub: false, ...options });
  const client = createOrgClient({
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKey: org.connectedApp.privateKey as string,
    apiVersion,
  });
  const [setId] = org.seed('PermissionSet', [{ Name: 'Export', Label: 'Export', PermissionsModifyAllData: true }]);
  const [profileSetId] = org.seed('PermissionSet', [{ Name: 'X00e5g000000MkTg', Label: 'Marketing User', IsOwnedByProfile: true }]);
  const [userId] = org.seed('User', [{ Username: 'marketer@acme-shop.example', LastName: 'Marketer', IsActive: true }]);
  const [assignmentId, profileAssignmentId] = org.seed('PermissionSetAssignment', [
    { AssigneeId: userId, PermissionSetId: setId },
    { AssigneeId: userId, PermissionSetId: profileSetId },
  ]);
  return { org, client, userId: userId as string, assignmentId: assignmentId as string, profileAssignmentId: profileAssignmentId as string };
};

const refusal = async (call: Promise<unknown>): Promise<OrgRequestError> => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OrgRequestError);
  return error as OrgRequestError;
};

describe('changing PermissionSetAssignment through the REST API, as an org allows it', () => {
  it('refuses a delete or an update by a user without Assign Permission Sets, and keeps the assignment', async () => {
    const { org, client, assignmentId } = await start();
    expect(await refusal(client.delete('PermissionSetAssignment', assignmentId))).toMatchObject({
      code: 'INSUFFICIENT_ACCESS_OR_READONLY',
      message: 'insufficient access rights on object id',
      retryable: false,
    });
    expect(await refusal(client.update('PermissionSetAssignment', assignmentId, { ExpirationDate: '2099-01-31T23:59:59.000Z' }))).toMatchObject({
      code: 'INSUFFICIENT_ACCESS_OR_READONLY',
    });
    expect(org.records('PermissionSetAssignment').find((a) => a.Id === assignmentId)?.ExpirationDate).toBeNull();
  });

  it('lets a permission set with Assign Permission Sets, assigned to the integration user, grant it', async () => {
    const { org, client, assignmentId } = await start();
    const [grantId] = org.seed('PermissionSet', [{ Name: 'Leakwatch_Containment', Label: 'Leakwatch Containment', PermissionsAssignPermissionSets: true }]);
    org.seed('PermissionSetAssignment', [{ AssigneeId: org.identity.userId, PermissionSetId: grantId }]);
    await client.delete('PermissionSetAssignment', assignmentId);
    expect(org.records('PermissionSetAssignment').some((a) => a.Id === assignmentId)).toBe(false);
    // Deleted: the org has no such record any more.
    expect(await refusal(client.delete('PermissionSetAssignment', assignmentId))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never deletes or changes an assignment owned by a profile', async () => {
    const { org, client, profileAssignmentId } = await start({ assignPermissionSets: true });
    expect(await refusal(client.delete('PermissionSetAssignment', profileAssignmentId))).toMatchObject({ code: 'DELETE_FAILED' });
    expect(await refusal(client.update('PermissionSetAssignment', profileAssignmentId, { ExpirationDate: '2099-01-31T23:59:59.000Z' }))).toMatchObject({
      code: 'DELETE_FAILED',
    });
    expect(org.records('PermissionSetAssignment').some((a) => a.Id === profileAssignmentId)).toBe(true);
  });

  it('updates ExpirationDate (a dateTime, from API 52.0) and nothing that is create-only', async () => {
    const { org, client, assignmentId, userId } = await start({ assignPermissionSets: true });
    await client.update('PermissionSetAssignment', assignmentId, { ExpirationDate: '2099-01-31T23:59:59.000Z' });
    expect(org.records('PermissionSetAssignment').find((a) => a.Id === assignmentId)?.ExpirationDate).toBe('2099-01-31T23:59:59.000+0000');
    expect(await refusal(client.update('PermissionSetAssignment', assignmentId, { ExpirationDate: 'next friday' }))).toMatchObject({
      code: 'JSON_PARSER_ERROR',
    });
    expect(await refusal(client.update('PermissionSetAssignment', assignmentId, { AssigneeId: userId }))).toMatchObject({
      code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    });
    expect(await refusal(client.update('PermissionSetAssignment', '0Pa5g0000000999AAA', { ExpirationDate: '2099-01-31T23:59:59.000Z' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('knows no ExpirationDate before API version 52.0', async () => {
    const { client, assignmentId } = await start({ assignPermissionSets: true }, '51.0');
    expect(await refusal(client.update('PermissionSetAssignment', assignmentId, { ExpirationDate: '2099-01-31T23:59:59.000Z' }))).toMatchObject({
      code: 'INVALID_FIELD',
    });
  });
});
