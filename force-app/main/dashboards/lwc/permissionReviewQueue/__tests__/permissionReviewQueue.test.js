import { createElement } from 'lwc';
import PermissionReviewQueue from 'c/permissionReviewQueue';
import getPendingReviews from '@salesforce/apex/PermissionReviewController.getPendingReviews';
import getRecentDecisions from '@salesforce/apex/PermissionReviewController.getRecentDecisions';
import approve from '@salesforce/apex/PermissionReviewController.approve';
import reject from '@salesforce/apex/PermissionReviewController.reject';
import { refreshApex } from '@salesforce/apex';

// The first review was assigned by someone else; the second by the running user
// (@salesforce/user/Id resolves to 005000000000000AAA in tests).
const mockReviews = require('./data/reviews.json');
// One decision per enforcement outcome, newest first: Queued, Retrying, Done (rejected), Done (approved until a date),
// Failed, NotPossible, and an approval without an end date (nothing to carry out).
const mockDecisions = require('./data/decisions.json');

jest.mock(
    '@salesforce/apex/PermissionReviewController.getPendingReviews',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/PermissionReviewController.getRecentDecisions',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });
jest.mock('@salesforce/apex/PermissionReviewController.approve', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/PermissionReviewController.reject', () => ({ default: jest.fn() }), { virtual: true });

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function renderWithReviews(reviews = mockReviews, decisions = mockDecisions) {
    const element = createElement('c-permission-review-queue', { is: PermissionReviewQueue });
    document.body.appendChild(element);
    getPendingReviews.emit(reviews);
    getRecentDecisions.emit(decisions);
    await flushPromises();
    return element;
}

function decisionCard(element, id) {
    return element.shadowRoot.querySelector(`li.decision[data-id="${id}"]`);
}

function outcomeOf(card) {
    return {
        badge: card.querySelector('.outcome').textContent,
        badgeClass: card.querySelector('.outcome').className,
        decision: card.querySelector('.verdict').textContent,
        explanation: card.querySelector('.explanation').textContent
    };
}

function firstReview(element) {
    return element.shadowRoot.querySelector('li.review');
}

async function type(input, value) {
    input.value = value;
    input.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

describe('c-permission-review-queue', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows each pending review with its critical permissions and risk reasons', async () => {
        const element = await renderWithReviews();
        const review = firstReview(element);
        expect(review.querySelector('h2').textContent).toBe('Data_Export_Admin for j.doe@acme.example');
        expect(Array.from(review.querySelectorAll('.permissions .slds-badge')).map((badge) => badge.textContent)).toEqual([
            'ModifyAllData',
            'ExportReport'
        ]);
        expect(Array.from(review.querySelectorAll('.reasons li')).map((li) => li.textContent)).toEqual([
            'Grants Modify All Data',
            'Assigned at 02:14'
        ]);
        expect(review.textContent).toContain('Risk 82');
    });

    it('keeps both decisions disabled until a justification is written', async () => {
        const element = await renderWithReviews();
        const review = firstReview(element);
        expect(review.querySelector('.approve').disabled).toBe(true);
        expect(review.querySelector('.reject').disabled).toBe(true);
        await type(review.querySelector('.justification'), 'Quarter-end export, ticket CHG-1042');
        expect(review.querySelector('.approve').disabled).toBe(false);
        expect(review.querySelector('.reject').disabled).toBe(false);
    });

    it('approves with the justification and an expiry date', async () => {
        approve.mockResolvedValue();
        const element = await renderWithReviews();
        const review = firstReview(element);
        await type(review.querySelector('.justification'), '  Quarter-end export, ticket CHG-1042 ');
        await type(review.querySelector('.expires-on'), '2030-01-31');
        review.querySelector('.approve').click();
        await flushPromises();
        expect(approve).toHaveBeenCalledWith({
            reviewId: 'a02000000000001AAA',
            justification: 'Quarter-end export, ticket CHG-1042',
            expiresOn: '2030-01-31'
        });
    });

    it('approves without an end date when none is chosen', async () => {
        approve.mockResolvedValue();
        const element = await renderWithReviews();
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'Permanent role change');
        review.querySelector('.approve').click();
        await flushPromises();
        expect(approve).toHaveBeenCalledWith({ reviewId: 'a02000000000001AAA', justification: 'Permanent role change', expiresOn: null });
    });

    it('rejects with the justification and says the sidecar removes the assignment, not that access is gone', async () => {
        reject.mockResolvedValue();
        const element = await renderWithReviews();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'No business need');
        review.querySelector('.reject').click();
        await flushPromises();
        expect(reject).toHaveBeenCalledWith({ reviewId: 'a02000000000001AAA', justification: 'No business need' });
        expect(toasts).toEqual([
            expect.objectContaining({
                variant: 'success',
                message: 'Access rejected. Leakwatch removes the assignment in a moment: see Recent decisions below for the outcome.'
            })
        ]);
        expect(toasts[0].message).not.toMatch(/revoked|removed/);
    });

    it('says the sidecar time-limits the assignment after an approval with an end date', async () => {
        approve.mockResolvedValue();
        const element = await renderWithReviews();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'Quarter-end export');
        await type(review.querySelector('.expires-on'), '2030-01-31');
        review.querySelector('.approve').click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({
            variant: 'success',
            message: 'Access approved until 2030-01-31. Leakwatch time-limits the assignment in a moment: see Recent decisions below for the outcome.'
        });
    });

    it('says only that access is approved when there is no end date to carry out', async () => {
        approve.mockResolvedValue();
        const element = await renderWithReviews();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'Permanent role change');
        review.querySelector('.approve').click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'Access approved.' });
    });

    it('promises no enforcement for a review without an assignment id', async () => {
        reject.mockResolvedValue();
        const element = await renderWithReviews([{ ...mockReviews[0], AssignmentId__c: null }]);
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'No business need');
        review.querySelector('.reject').click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'Access rejected.' });
    });

    it('lists recent decisions newest first', async () => {
        const element = await renderWithReviews();
        const cards = Array.from(element.shadowRoot.querySelectorAll('li.decision'));
        expect(cards.map((card) => card.dataset.id)).toEqual(mockDecisions.map((decision) => decision.Id));
        expect(cards[0].querySelector('h3').textContent).toBe('Bulk_API_Hard_Delete for tom.agent@acme.example');
    });

    it('shows a queued decision as in progress', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000011AAA'))).toEqual({
            badge: 'In progress',
            badgeClass: 'slds-badge slds-badge_lightest outcome',
            decision: 'Rejected',
            explanation: 'Leakwatch will remove the assignment in a moment.'
        });
    });

    it('shows a retried decision as in progress with its attempts', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000012AAA'))).toMatchObject({
            badge: 'In progress',
            explanation: 'Leakwatch will remove the assignment; a temporary error made it try again (2 attempts so far).'
        });
    });

    it('shows a carried-out rejection as removed', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000013AAA'))).toEqual({
            badge: 'Removed',
            badgeClass: 'slds-badge slds-theme_success outcome',
            decision: 'Rejected',
            explanation: 'The assignment is gone: the access was removed.'
        });
    });

    it('says when the sidecar carried out or gave up on a decision, and nothing while it is in progress', async () => {
        const element = await renderWithReviews();
        const enforcedAt = (id) => decisionCard(element, id).querySelector('.enforced-at');
        expect(enforcedAt('a02000000000013AAA').textContent).toContain('done');
        expect(enforcedAt('a02000000000013AAA').querySelector('lightning-formatted-date-time').value).toBe('2026-12-05T10:01:00.000Z');
        expect(enforcedAt('a02000000000015AAA').textContent).toContain('gave up');
        expect(enforcedAt('a02000000000011AAA')).toBeNull();
    });

    it('shows a carried-out approval with an end date as time-limited', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000014AAA'))).toEqual({
            badge: 'Time-limited',
            badgeClass: 'slds-badge slds-theme_success outcome',
            decision: 'Approved until 2027-01-31',
            explanation: 'The assignment ends on 2027-01-31.'
        });
    });

    it('shows a failed decision with the org error and that the access stays', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000015AAA'))).toEqual({
            badge: 'Failed',
            badgeClass: 'slds-badge slds-theme_error outcome',
            decision: 'Rejected',
            explanation:
                'Leakwatch could not remove the assignment: INSUFFICIENT_ACCESS_OR_READONLY: the integration user lacks Assign Permission Sets. The access stays until an admin changes it in Setup.'
        });
    });

    it('explains that an assignment belonging to a profile cannot be removed', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000016AAA'))).toEqual({
            badge: 'Not possible',
            badgeClass: 'slds-badge slds-theme_warning outcome',
            decision: 'Rejected',
            explanation: "The assignment belongs to the user's profile, so it cannot be removed on its own: an admin must change the user's profile."
        });
    });

    it('shows an approval without an end date as kept, with nothing to carry out', async () => {
        const element = await renderWithReviews();
        expect(outcomeOf(decisionCard(element, 'a02000000000017AAA'))).toMatchObject({
            badge: 'Kept',
            decision: 'Approved',
            explanation: 'The assignment stays as it is.'
        });
    });

    it('shows a new outcome after the decisions are refreshed', async () => {
        const element = await renderWithReviews();
        getRecentDecisions.emit([{ ...mockDecisions[0], EnforcementStatus__c: 'Done', EnforcementAttempts__c: 1 }]);
        await flushPromises();
        expect(outcomeOf(decisionCard(element, 'a02000000000011AAA')).badge).toBe('Removed');
        expect(element.shadowRoot.querySelectorAll('li.decision')).toHaveLength(1);
    });

    it('refreshes the recent decisions on request, and both lists after a decision', async () => {
        reject.mockResolvedValue();
        const element = await renderWithReviews();
        element.shadowRoot.querySelector('.refresh-decisions').click();
        await flushPromises();
        expect(refreshApex).toHaveBeenCalledTimes(1);
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'No business need');
        review.querySelector('.reject').click();
        await flushPromises();
        expect(refreshApex).toHaveBeenCalledTimes(3);
    });

    it('says when there are no recent decisions', async () => {
        const element = await renderWithReviews(mockReviews, []);
        expect(element.shadowRoot.querySelector('.no-decisions').textContent).toBe('No decisions in the last 30 days.');
        expect(element.shadowRoot.querySelector('li.decision')).toBeNull();
    });

    it('shows the error panel when the recent decisions fail, and keeps the queue', async () => {
        const element = createElement('c-permission-review-queue', { is: PermissionReviewQueue });
        document.body.appendChild(element);
        getPendingReviews.emit(mockReviews);
        getRecentDecisions.error();
        await flushPromises();
        expect(element.shadowRoot.querySelector('.recent-decisions c-error-panel').friendlyMessage).toBe('The recent decisions could not be loaded');
        expect(element.shadowRoot.querySelectorAll('li.review')).toHaveLength(2);
    });

    it('shows the server refusal', async () => {
        reject.mockRejectedValue({ body: { message: 'This review was already decided: Approved.' } });
        const element = await renderWithReviews();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'No business need');
        review.querySelector('.reject').click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'error', message: 'This review was already decided: Approved.' });
    });

    it('does not let reviewers decide on an assignment they made', async () => {
        const element = await renderWithReviews();
        const own = element.shadowRoot.querySelectorAll('li.review')[1];
        expect(own.querySelector('.four-eyes').textContent.trim()).toBe(
            'You made or received this assignment: another reviewer must decide it.'
        );
        expect(own.querySelector('.approve')).toBeNull();
        expect(own.querySelector('.reject')).toBeNull();
    });

    it('says when the queue is empty', async () => {
        const element = await renderWithReviews([]);
        expect(element.shadowRoot.querySelector('.empty-state').textContent).toBe('No assignments are waiting for review.');
    });

    it('shows the error panel when the queue fails', async () => {
        const element = createElement('c-permission-review-queue', { is: PermissionReviewQueue });
        document.body.appendChild(element);
        getPendingReviews.error();
        getRecentDecisions.emit([]);
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel').friendlyMessage).toBe('The review queue could not be loaded');
    });

    it('is accessible', async () => {
        const element = await renderWithReviews();
        await expect(element).toBeAccessible();
    });
});
