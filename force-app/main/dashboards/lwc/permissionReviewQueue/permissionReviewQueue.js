import { LightningElement, wire } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import currentUserId from '@salesforce/user/Id';
import getPendingReviews from '@salesforce/apex/PermissionReviewController.getPendingReviews';
import getRecentDecisions from '@salesforce/apex/PermissionReviewController.getRecentDecisions';
import approve from '@salesforce/apex/PermissionReviewController.approve';
import reject from '@salesforce/apex/PermissionReviewController.reject';
import NAME_FIELD from '@salesforce/schema/PermissionReview__c.Name';
import PERMISSION_SET_FIELD from '@salesforce/schema/PermissionReview__c.PermissionSetName__c';
import ASSIGNEE_FIELD from '@salesforce/schema/PermissionReview__c.AssigneeUsername__c';
import ASSIGNEE_ID_FIELD from '@salesforce/schema/PermissionReview__c.AssigneeId__c';
import ASSIGNED_BY_FIELD from '@salesforce/schema/PermissionReview__c.AssignedById__c';
import CRITICAL_PERMISSIONS_FIELD from '@salesforce/schema/PermissionReview__c.CriticalPermissions__c';
import RISK_REASONS_FIELD from '@salesforce/schema/PermissionReview__c.RiskReasons__c';
import RISK_SCORE_FIELD from '@salesforce/schema/PermissionReview__c.RiskScore__c';
import ASSIGNMENT_ID_FIELD from '@salesforce/schema/PermissionReview__c.AssignmentId__c';
import STATUS_FIELD from '@salesforce/schema/PermissionReview__c.Status__c';
import DECIDED_AT_FIELD from '@salesforce/schema/PermissionReview__c.DecidedAt__c';
import EXPIRES_ON_FIELD from '@salesforce/schema/PermissionReview__c.AccessExpiresOn__c';
import ENFORCEMENT_STATUS_FIELD from '@salesforce/schema/PermissionReview__c.EnforcementStatus__c';
import ENFORCEMENT_ERROR_FIELD from '@salesforce/schema/PermissionReview__c.EnforcementError__c';
import ENFORCED_AT_FIELD from '@salesforce/schema/PermissionReview__c.EnforcedAt__c';
import ENFORCEMENT_ATTEMPTS_FIELD from '@salesforce/schema/PermissionReview__c.EnforcementAttempts__c';
import { parseJson, reduceErrors, splitList } from 'c/ldsUtils';

// Ids are compared on their 15-character form: the sidecar may write either form.
function sameUser(left, right) {
    return !!left && !!right && left.slice(0, 15) === right.slice(0, 15);
}

// The decision is saved at once; the sidecar changes the assignment afterwards, so the toast does not claim it is done.
const CARRIED_OUT = (change) => `Leakwatch ${change} the assignment in a moment: see Recent decisions below for the outcome.`;

const IN_PROGRESS_BADGE = 'slds-badge slds-badge_lightest outcome';

/**
 * What a reviewer reads about a decision's enforcement (EnforcementStatus__c, written by the sidecar after Queued).
 * `change` is what the sidecar does to the assignment: "remove" on Reject, "time-limit" on Approve with an end date.
 */
const OUTCOMES = {
    Queued: {
        label: 'In progress',
        badgeClass: IN_PROGRESS_BADGE,
        explain: ({ change }) => `Leakwatch will ${change} the assignment in a moment.`
    },
    Retrying: {
        label: 'In progress',
        badgeClass: IN_PROGRESS_BADGE,
        explain: ({ change, attempts }) => `Leakwatch will ${change} the assignment; a temporary error made it try again (${attempts} attempts so far).`
    },
    Done: {
        label: ({ rejected }) => (rejected ? 'Removed' : 'Time-limited'),
        enforcedLabel: 'done',
        badgeClass: 'slds-badge slds-theme_success outcome',
        explain: ({ rejected, expiresOn }) => (rejected ? 'The assignment is gone: the access was removed.' : `The assignment ends on ${expiresOn}.`)
    },
    Failed: {
        label: 'Failed',
        enforcedLabel: 'gave up',
        badgeClass: 'slds-badge slds-theme_error outcome',
        explain: ({ change, error }) =>
            `Leakwatch could not ${change} the assignment: ${error || 'no reason given'}. The access stays until an admin changes it in Setup.`
    },
    NotPossible: {
        label: 'Not possible',
        enforcedLabel: 'gave up',
        badgeClass: 'slds-badge slds-theme_warning outcome',
        explain: () =>
            "The assignment belongs to the user's profile, so it cannot be removed on its own: an admin must change the user's profile."
    }
};

/** An approval without an end date leaves the assignment as it is: nothing to carry out. */
const UNCHANGED = {
    label: 'Kept',
    badgeClass: 'slds-badge outcome',
    explain: () => 'The assignment stays as it is.'
};

function decisionItem(review) {
    const status = review[STATUS_FIELD.fieldApiName];
    const rejected = status === 'Rejected';
    const expiresOn = review[EXPIRES_ON_FIELD.fieldApiName];
    const context = {
        rejected,
        expiresOn,
        change: rejected ? 'remove' : 'time-limit',
        attempts: review[ENFORCEMENT_ATTEMPTS_FIELD.fieldApiName] || 0,
        error: review[ENFORCEMENT_ERROR_FIELD.fieldApiName]
    };
    const outcome = OUTCOMES[review[ENFORCEMENT_STATUS_FIELD.fieldApiName]] || UNCHANGED;
    return {
        id: review.Id,
        heading: `${review[PERMISSION_SET_FIELD.fieldApiName]} for ${review[ASSIGNEE_FIELD.fieldApiName]}`,
        decision: status === 'Approved' && expiresOn ? `Approved until ${expiresOn}` : status,
        decidedAt: review[DECIDED_AT_FIELD.fieldApiName],
        enforcedAt: outcome.enforcedLabel ? review[ENFORCED_AT_FIELD.fieldApiName] : undefined,
        enforcedLabel: outcome.enforcedLabel,
        outcomeLabel: typeof outcome.label === 'function' ? outcome.label(context) : outcome.label,
        badgeClass: outcome.badgeClass,
        explanation: outcome.explain(context)
    };
}

/**
 * The reviewers' queue of flagged permission assignments, decided under four eyes.
 */
export default class PermissionReviewQueue extends LightningElement {
    /** Justification and expiry typed per review, keyed by review id. */
    drafts = {};
    workingId;

    @wire(getPendingReviews)
    reviews;

    @wire(getRecentDecisions)
    decisions;

    get hasReviews() {
        return this.reviews.data && this.reviews.data.length > 0;
    }

    get items() {
        return this.reviews.data.map((review) => {
            const draft = this.drafts[review.Id] || {};
            const ownAssignment =
                sameUser(review[ASSIGNED_BY_FIELD.fieldApiName], currentUserId) ||
                sameUser(review[ASSIGNEE_ID_FIELD.fieldApiName], currentUserId);
            const busy = this.workingId === review.Id;
            return {
                id: review.Id,
                name: review[NAME_FIELD.fieldApiName],
                permissionSet: review[PERMISSION_SET_FIELD.fieldApiName],
                assignee: review[ASSIGNEE_FIELD.fieldApiName],
                riskScore: review[RISK_SCORE_FIELD.fieldApiName],
                permissions: splitList(review[CRITICAL_PERMISSIONS_FIELD.fieldApiName]),
                reasons: parseJson(review[RISK_REASONS_FIELD.fieldApiName], []).map((reason, index) => ({
                    key: `${reason.code}-${index}`,
                    ...reason
                })),
                justification: draft.justification || '',
                expiresOn: draft.expiresOn || null,
                ownAssignment,
                decisionDisabled: ownAssignment || busy || !(draft.justification || '').trim(),
                heading: `${review[PERMISSION_SET_FIELD.fieldApiName]} for ${review[ASSIGNEE_FIELD.fieldApiName]}`
            };
        });
    }

    get hasDecisions() {
        return this.decisions.data && this.decisions.data.length > 0;
    }

    get decisionItems() {
        return this.decisions.data.map(decisionItem);
    }

    get minExpiry() {
        const tomorrow = new Date();
        tomorrow.setDate(tomorrow.getDate() + 1);
        return tomorrow.toISOString().slice(0, 10);
    }

    updateDraft(reviewId, change) {
        this.drafts = { ...this.drafts, [reviewId]: { ...this.drafts[reviewId], ...change } };
    }

    handleJustificationChange(event) {
        this.updateDraft(event.target.dataset.id, { justification: event.target.value });
    }

    handleExpiryChange(event) {
        this.updateDraft(event.target.dataset.id, { expiresOn: event.target.value || null });
    }

    hasAssignment(reviewId) {
        const review = this.reviews.data.find((candidate) => candidate.Id === reviewId);
        return !!(review && review[ASSIGNMENT_ID_FIELD.fieldApiName]);
    }

    handleApprove(event) {
        const reviewId = event.target.dataset.id;
        const draft = this.drafts[reviewId];
        const expiresOn = draft.expiresOn || null;
        let message = 'Access approved.';
        if (expiresOn) {
            message = this.hasAssignment(reviewId)
                ? `Access approved until ${expiresOn}. ${CARRIED_OUT('time-limits')}`
                : `Access approved until ${expiresOn}.`;
        }
        return this.decide(reviewId, () => approve({ reviewId, justification: draft.justification.trim(), expiresOn }), message);
    }

    handleReject(event) {
        const reviewId = event.target.dataset.id;
        return this.decide(
            reviewId,
            () => reject({ reviewId, justification: this.drafts[reviewId].justification.trim() }),
            this.hasAssignment(reviewId) ? `Access rejected. ${CARRIED_OUT('removes')}` : 'Access rejected.'
        );
    }

    /** The sidecar writes the outcome after the decision: a reviewer looks again without reloading the page. */
    handleRefreshDecisions() {
        return refreshApex(this.decisions);
    }

    async decide(reviewId, call, message) {
        this.workingId = reviewId;
        try {
            await call();
            this.dispatchEvent(new ShowToastEvent({ title: 'Decision recorded', message, variant: 'success' }));
            const remaining = { ...this.drafts };
            delete remaining[reviewId];
            this.drafts = remaining;
            await Promise.all([refreshApex(this.reviews), refreshApex(this.decisions)]);
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({ title: 'The decision was not recorded', message: reduceErrors(error).join(', '), variant: 'error' })
            );
        } finally {
            this.workingId = undefined;
        }
    }
}
