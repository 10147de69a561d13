import { LightningElement, wire } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import currentUserId from '@salesforce/user/Id';
import getPendingReviews from '@salesforce/apex/PermissionReviewController.getPendingReviews';
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
import { parseJson, reduceErrors, splitList } from 'c/ldsUtils';

// Ids are compared on their 15-character form: the sidecar may write either form.
function sameUser(left, right) {
    return !!left && !!right && left.slice(0, 15) === right.slice(0, 15);
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

    handleApprove(event) {
        const reviewId = event.target.dataset.id;
        const draft = this.drafts[reviewId];
        const expiresOn = draft.expiresOn || null;
        return this.decide(
            reviewId,
            () => approve({ reviewId, justification: draft.justification.trim(), expiresOn }),
            expiresOn ? `Access approved until ${expiresOn}.` : 'Access approved.'
        );
    }

    handleReject(event) {
        const reviewId = event.target.dataset.id;
        return this.decide(
            reviewId,
            () => reject({ reviewId, justification: this.drafts[reviewId].justification.trim() }),
            'Access rejected; the assignment is being revoked.'
        );
    }

    async decide(reviewId, call, message) {
        this.workingId = reviewId;
        try {
            await call();
            this.dispatchEvent(new ShowToastEvent({ title: 'Decision recorded', message, variant: 'success' }));
            const remaining = { ...this.drafts };
            delete remaining[reviewId];
            this.drafts = remaining;
            await refreshApex(this.reviews);
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({ title: 'The decision was not recorded', message: reduceErrors(error).join(', '), variant: 'error' })
            );
        } finally {
            this.workingId = undefined;
        }
    }
}
