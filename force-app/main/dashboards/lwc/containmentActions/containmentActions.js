import { LightningElement, api, wire } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import LightningConfirm from 'lightning/confirm';
import { refreshApex } from '@salesforce/apex';
import getActions from '@salesforce/apex/ContainmentController.getActions';
import decide from '@salesforce/apex/ContainmentController.decide';
import undo from '@salesforce/apex/ContainmentController.undo';
import { reduceErrors } from 'c/ldsUtils';

const STATUS_BADGES = {
    Proposed: 'slds-badge slds-theme_warning status',
    Approved: 'slds-badge slds-theme_info status',
    Declined: 'slds-badge status',
    Done: 'slds-badge slds-theme_success status',
    Failed: 'slds-badge slds-theme_error status',
    NotPossible: 'slds-badge slds-theme_warning status',
    UndoRequested: 'slds-badge slds-badge_lightest status',
    Undone: 'slds-badge slds-badge_lightest status'
};

// The sidecar carries out what is decided here: the toast says it will, not that it did.
const CARRIED_OUT_SOON = 'Leakwatch carries it out in a moment; refresh to see the outcome.';

/**
 * A duration in seconds as people read it: "45 s", "1 min 30 s", "2 h 5 min", "3 d 4 h".
 * @param {number} seconds a non-negative number of seconds
 * @return {string} the duration
 */
export function formatDuration(seconds) {
    const total = Math.max(0, Math.round(seconds));
    const units = [
        ['d', 86400],
        ['h', 3600],
        ['min', 60],
        ['s', 1]
    ];
    const parts = [];
    let rest = total;
    for (const [unit, size] of units) {
        const count = Math.floor(rest / size);
        rest -= count * size;
        if (count > 0 || (unit === 's' && parts.length === 0)) {
            parts.push(`${count} ${unit}`);
        }
    }
    // Two units are precise enough: "2 h 5 min", not "2 h 5 min 12 s".
    return parts.slice(0, 2).join(' ');
}

/**
 * The containment of one incident in the incident console: how long it took to contain, and every action the
 * sidecar proposed, carried out or reversed. Reviewers with Approve Leakwatch Containment approve or decline what is
 * proposed and ask for a done freeze or block to be undone; ContainmentController says what each reviewer may do.
 */
export default class ContainmentActions extends LightningElement {
    /** The incident whose containment is shown. */
    @api incidentId;
    workingId;
    actionError;

    @wire(getActions, { incidentId: '$incidentId' })
    containment;

    get loaded() {
        return !!this.containment && !!this.containment.data;
    }

    get loadError() {
        return this.containment && this.containment.error;
    }

    get contained() {
        return this.loaded && !!this.containment.data.containedAt;
    }

    get containedAt() {
        return this.containment.data.containedAt;
    }

    get timeToContainment() {
        const seconds = this.containment.data.timeToContainmentSeconds;
        return seconds === null || seconds === undefined ? undefined : formatDuration(seconds);
    }

    get hasActions() {
        return this.loaded && this.containment.data.actions.length > 0;
    }

    get actions() {
        return this.containment.data.actions.map((action) => {
            return {
                ...action,
                heading: action.target ? `${action.actionLabel}: ${action.target}` : action.actionLabel,
                statusClass: STATUS_BADGES[action.status] || 'slds-badge status',
                actionTime: action.timeToContainmentSeconds === null || action.timeToContainmentSeconds === undefined ? undefined : formatDuration(action.timeToContainmentSeconds),
                disabled: !!this.workingId,
                approveLabel: `Approve ${action.actionLabel}`,
                declineLabel: `Decline ${action.actionLabel}`,
                undoLabel: `Undo ${action.actionLabel}`,
                showButtons: action.canDecide || action.canUndo
            };
        });
    }

    findAction(actionId) {
        return this.containment.data.actions.find((action) => action.id === actionId);
    }

    handleApprove(event) {
        const actionId = event.target.dataset.id;
        return this.run(actionId, () => decide({ actionId, approve: true }), `Approved. ${CARRIED_OUT_SOON}`);
    }

    handleDecline(event) {
        const actionId = event.target.dataset.id;
        return this.run(actionId, () => decide({ actionId, approve: false }), 'Declined: nothing is done.');
    }

    async handleUndo(event) {
        const actionId = event.target.dataset.id;
        const action = this.findAction(actionId);
        const confirmed = await LightningConfirm.open({
            message: `Undo "${action.actionLabel}" on ${action.target}? Leakwatch reverses it in a moment; the incident stays contained by its other actions only.`,
            label: 'Undo containment',
            theme: 'warning'
        });
        if (!confirmed) {
            return undefined;
        }
        return this.run(actionId, () => undo({ actionId }), `Undo requested. ${CARRIED_OUT_SOON}`);
    }

    /** The sidecar writes outcomes after the fact: a reviewer looks again without reloading the console. */
    handleRefresh() {
        return refreshApex(this.containment);
    }

    async run(actionId, call, message) {
        this.workingId = actionId;
        this.actionError = undefined;
        try {
            await call();
            this.dispatchEvent(new ShowToastEvent({ title: 'Containment', message, variant: 'success' }));
        } catch (error) {
            this.actionError = error;
            this.dispatchEvent(new ShowToastEvent({ title: 'Not changed', message: reduceErrors(error).join(', '), variant: 'error' }));
        } finally {
            this.workingId = undefined;
        }
        // Reload after a refusal too: another reviewer may have decided it meanwhile.
        await refreshApex(this.containment);
    }
}
