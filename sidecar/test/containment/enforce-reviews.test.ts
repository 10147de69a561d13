import { afterEach, describe, expect, it } from 'vitest';
import { endOfDayUtc, enforceReviews } from '../../src/containment/enforce-reviews.js';
import { startOrgEmulator, type OrgEmulator, type OrgEmulatorOptions } from '../../src/emulator/index.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';

const orgs: OrgEmulator[] = [];
afterEach(async () => {
  await Promise.all(orgs.splice(0).map((org) => org.close()));
});

const start = async (options: OrgEmulatorOptions = {}) => {
  const org = await startOrgEmulator({ port: 0, pubsub: false, assignPermissionSets: true, ...options });
  orgs.push(org);
  const client = createOrgClient({
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKey: org.connectedApp.privateKey as string,
  });
  return { org, client };
};

let planted = 0;
/** A permission set with Modify All Data assigned to a fresh user, and a review of that assignment decided now. */
const plantReview = (org: OrgEmulator, review: Record<string, unknown>, { profileOwned = false } = {}) => {
  planted += 1;
  const [setId] = org.seed('PermissionSet', [{ Name: `Export_${planted}`, Label: 'Export', IsOwnedByProfile: profileOwned, PermissionsModifyAllData: true }]);
  const [userId] = org.seed('User', [{ Username: `assignee${planted}@acme-shop.example`, LastName: 'Assignee', IsActive: true }]);
  const [assignmentId] = org.seed('PermissionSetAssignment', [{ AssigneeId: userId, PermissionSetId: setId }]);
  const reviewKey = `review-${planted}`;
  org.seed('PermissionReview__c', [
    {
      ReviewKey__c: reviewKey,
      Status__c: 'Rejected',
      AssignmentId__c: assignmentId,
      AssigneeId__c: userId,
      PermissionSetId__c: setId,
      DecidedAt__c: new Date().toISOString(),
      EnforcementStatus__c: 'Queued',
      ...review,
    },
  ]);
  return { reviewKey, assignmentId: assignmentId as string };
};

const reviewOf = (org: OrgEmulator, key: string) => org.records('PermissionReview__c').find((r) => r.ReviewKey__c === key);
const assignmentOf = (org: OrgEmulator, id: string) => org.records('PermissionSetAssignment').find((r) => r.Id === id);
const inAnHour = () => new Date(Date.now() + 3_600_000);

/**
 * The client, with one 503 injected just before each update reaches the org. (An update is a PATCH,
 * which jsforce does not retry itself; it retries a GET or DELETE answered 503 up to five times.)
 */
const failingUpdates = (org: OrgEmulator, client: OrgClient): OrgClient => ({
  ...client,
  update: async (sobject, id, fields) => {
    org.setFaults({ unavailable: 1 });
    return client.update(sobject, id, fields);
  },
});

describe('carrying out permission review decisions (containment/enforce-reviews.ts)', () => {
  it('deletes the assignment of a rejected review and records Done with when and after how many attempts', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, {});
    const enforced = await enforceReviews(client);
    expect(enforced.outcomes).toEqual([expect.objectContaining({ reviewKey, action: 'remove', status: 'Done' })]);
    expect(enforced.outcomes[0]?.alreadyGone).toBeUndefined();
    expect(assignmentOf(org, assignmentId)).toBeUndefined();
    expect(reviewOf(org, reviewKey)).toMatchObject({ EnforcementStatus__c: 'Done', EnforcementAttempts__c: 1, EnforcementError__c: null });
    expect(reviewOf(org, reviewKey)?.EnforcedAt__c).toEqual(expect.any(String));
    // Nothing is left waiting: the next poll does nothing.
    expect((await enforceReviews(client)).outcomes).toEqual([]);
  });

  it('sets the ExpirationDate of an assignment approved until a day to the end of that day (UTC), and leaves it in place', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, { Status__c: 'Approved', AccessExpiresOn__c: '2099-03-31' });
    const { outcomes } = await enforceReviews(client);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'expire', status: 'Done' })]);
    const expiration = String(assignmentOf(org, assignmentId)?.ExpirationDate);
    expect(Date.parse(expiration.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))).toBe(Date.parse(endOfDayUtc('2099-03-31')));
    expect(reviewOf(org, reviewKey)).toMatchObject({ EnforcementStatus__c: 'Done', EnforcementAttempts__c: 1 });
  });

  it('needs nothing for an approval without a date, and keeps the assignment', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, { Status__c: 'Approved' });
    expect((await enforceReviews(client)).outcomes).toEqual([expect.objectContaining({ action: 'keep', status: 'Done' })]);
    expect(assignmentOf(org, assignmentId)?.ExpirationDate).toBeNull();
    expect(reviewOf(org, reviewKey)?.EnforcementStatus__c).toBe('Done');
  });

  it('ends Done when the assignment is already gone (removed by hand, or by a poll whose outcome was not recorded)', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, {});
    await client.delete('PermissionSetAssignment', assignmentId);
    const { outcomes } = await enforceReviews(client);
    expect(outcomes).toEqual([expect.objectContaining({ reviewKey, status: 'Done', alreadyGone: true })]);
    expect(reviewOf(org, reviewKey)).toMatchObject({ EnforcementStatus__c: 'Done', EnforcementError__c: null });
  });

  it('asks the org itself when the query does not show the assignment: Failed on a refusal, never Done', async () => {
    const { org, client } = await start({ assignPermissionSets: false });
    const { reviewKey, assignmentId } = plantReview(org, {});
    // The assignment hidden from the integration user's query (as without View Setup): its absence proves nothing.
    const blind: OrgClient = { ...client, query: async (soql) => (/FROM PermissionSetAssignment/i.test(soql) ? [] : client.query(soql)) };
    const enforced = await enforceReviews(blind);
    expect(enforced.outcomes).toEqual([expect.objectContaining({ reviewKey, status: 'Failed' })]);
    expect(assignmentOf(org, assignmentId)).toBeDefined();
    expect(reviewOf(org, reviewKey)?.EnforcementError__c).toMatch(/^INSUFFICIENT_ACCESS/);
  });

  it('deletes by id an assignment the query does not show, when the org allows it', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, {});
    const blind: OrgClient = { ...client, query: async (soql) => (/FROM PermissionSetAssignment/i.test(soql) ? [] : client.query(soql)) };
    const enforced = await enforceReviews(blind);
    expect(enforced.outcomes).toEqual([expect.objectContaining({ reviewKey, status: 'Done' })]);
    expect(enforced.outcomes[0]?.alreadyGone).toBeUndefined();
    expect(assignmentOf(org, assignmentId)).toBeUndefined();
  });

  it('says NotPossible for an assignment owned by a profile, and explains why on the review', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, {}, { profileOwned: true });
    expect((await enforceReviews(client)).outcomes).toEqual([expect.objectContaining({ status: 'NotPossible' })]);
    expect(assignmentOf(org, assignmentId)).toBeDefined();
    expect(String(reviewOf(org, reviewKey)?.EnforcementError__c)).toMatch(/^PROFILE_OWNED: .*change the user's profile/);
    expect(reviewOf(org, reviewKey)?.EnforcementStatus__c).toBe('NotPossible');
  });

  it('records Failed with the org’s refusal, never Done, when the integration user lacks Assign Permission Sets', async () => {
    const { org, client } = await start({ assignPermissionSets: false });
    const { reviewKey, assignmentId } = plantReview(org, {});
    expect((await enforceReviews(client)).outcomes).toEqual([expect.objectContaining({ status: 'Failed' })]);
    expect(assignmentOf(org, assignmentId)).toBeDefined();
    expect(reviewOf(org, reviewKey)).toMatchObject({
      EnforcementStatus__c: 'Failed',
      EnforcementError__c: 'INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id',
      EnforcementAttempts__c: 1,
    });
  });

  it('retries after a transient 503 once its back-off has run out, then ends Done', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, { Status__c: 'Approved', AccessExpiresOn__c: '2099-03-31' });
    expect((await enforceReviews(failingUpdates(org, client))).outcomes).toEqual([expect.objectContaining({ status: 'Retrying' })]);
    expect(org.stats.faultsInjected.unavailable).toBe(1);
    expect(reviewOf(org, reviewKey)).toMatchObject({ EnforcementStatus__c: 'Retrying', EnforcementAttempts__c: 1, EnforcedAt__c: null });
    expect(String(reviewOf(org, reviewKey)?.EnforcementError__c)).toMatch(/^SERVER_UNAVAILABLE: /);
    expect(assignmentOf(org, assignmentId)?.ExpirationDate).toBeNull();
    // Polled again at once: the back-off holds it.
    expect(await enforceReviews(client)).toMatchObject({ outcomes: [], deferred: 1 });
    const later = await enforceReviews(client, { now: inAnHour() });
    expect(later.outcomes).toEqual([expect.objectContaining({ status: 'Done' })]);
    expect(assignmentOf(org, assignmentId)?.ExpirationDate).toEqual(expect.any(String));
    expect(reviewOf(org, reviewKey)).toMatchObject({ EnforcementStatus__c: 'Done', EnforcementAttempts__c: 2, EnforcementError__c: null });
  });

  it('gives up with Failed when the last allowed attempt fails transiently too (a locked row)', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, { EnforcementStatus__c: 'Retrying', EnforcementAttempts__c: 7 });
    org.setFaults({ lockRows: 1 });
    const { outcomes } = await enforceReviews(client, { now: inAnHour(), maxAttempts: 8 });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'Failed' })]);
    expect(reviewOf(org, reviewKey)).toMatchObject({ EnforcementStatus__c: 'Failed', EnforcementAttempts__c: 8 });
    expect(String(reviewOf(org, reviewKey)?.EnforcementError__c)).toMatch(/^UNABLE_TO_LOCK_ROW: /);
    expect(assignmentOf(org, assignmentId)).toBeDefined();
  });

  it('never deletes an assignment that now belongs to another user than the review names', async () => {
    const { org, client } = await start();
    const { reviewKey, assignmentId } = plantReview(org, { AssigneeId__c: '0055g00000ZzZzZAAV' });
    expect((await enforceReviews(client)).outcomes).toEqual([expect.objectContaining({ status: 'Failed' })]);
    expect(assignmentOf(org, assignmentId)).toBeDefined();
    expect(String(reviewOf(org, reviewKey)?.EnforcementError__c)).toMatch(/^ASSIGNMENT_MISMATCH: /);
  });

  it('acts on one org at a time: another org’s reviews and assignments are untouched', async () => {
    const a = await start({ orgId: '00D5g000004Cx1aEAC' });
    const b = await start({ orgId: '00D5g000007Zz9bEAC' });
    const inA = plantReview(a.org, {});
    const inB = plantReview(b.org, {});
    await enforceReviews(a.client);
    expect(assignmentOf(a.org, inA.assignmentId)).toBeUndefined();
    expect(assignmentOf(b.org, inB.assignmentId)).toBeDefined();
    expect(reviewOf(b.org, inB.reviewKey)).toMatchObject({ EnforcementStatus__c: 'Queued', EnforcementAttempts__c: null });
  });
});
