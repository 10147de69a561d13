import { LightningElement, wire } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import getVerdicts from '@salesforce/apex/VerdictController.getVerdicts';
import acknowledge from '@salesforce/apex/VerdictController.acknowledge';
import markFalsePositive from '@salesforce/apex/VerdictController.markFalsePositive';
import escalate from '@salesforce/apex/VerdictController.escalate';
import NAME_FIELD from '@salesforce/schema/LeakVerdict__c.Name';
import SEVERITY_FIELD from '@salesforce/schema/LeakVerdict__c.Severity__c';
import RISK_SCORE_FIELD from '@salesforce/schema/LeakVerdict__c.RiskScore__c';
import STATUS_FIELD from '@salesforce/schema/LeakVerdict__c.Status__c';
import OBJECT_NAME_FIELD from '@salesforce/schema/LeakVerdict__c.ObjectName__c';
import OPERATION_FIELD from '@salesforce/schema/LeakVerdict__c.Operation__c';
import RECORD_COUNT_FIELD from '@salesforce/schema/LeakVerdict__c.RecordCount__c';
import ACTOR_FIELD from '@salesforce/schema/LeakVerdict__c.ActorUsername__c';
import SUMMARY_FIELD from '@salesforce/schema/LeakVerdict__c.ReasonSummary__c';
import DETECTED_AT_FIELD from '@salesforce/schema/LeakVerdict__c.DetectedAt__c';
import { reduceErrors } from 'c/ldsUtils';

const SEARCH_DELAY = 300;

const ALL = { label: 'All', value: '' };
const SEVERITY_OPTIONS = [ALL, ...['Critical', 'High', 'Medium', 'Low', 'Info'].map((value) => ({ label: value, value }))];
const STATUS_OPTIONS = [
    ALL,
    { label: 'New', value: 'New' },
    { label: 'Acknowledged', value: 'Acknowledged' },
    { label: 'False positive', value: 'FalsePositive' },
    { label: 'Escalated', value: 'Escalated' },
    { label: 'Resolved', value: 'Resolved' }
];

const ROW_ACTIONS = [
    { label: 'View details', name: 'view' },
    { label: 'Acknowledge', name: 'acknowledge' },
    { label: 'False positive…', name: 'falsePositive' },
    { label: 'Escalate to incident…', name: 'escalate' }
];

const COLUMNS = [
    { label: 'Verdict', fieldName: NAME_FIELD.fieldApiName, sortable: true, initialWidth: 110 },
    { label: 'Severity', fieldName: SEVERITY_FIELD.fieldApiName, sortable: true, initialWidth: 100 },
    { label: 'Risk', fieldName: RISK_SCORE_FIELD.fieldApiName, type: 'number', sortable: true, initialWidth: 80 },
    { label: 'Status', fieldName: STATUS_FIELD.fieldApiName, sortable: true, initialWidth: 120 },
    { label: 'Actor', fieldName: ACTOR_FIELD.fieldApiName, sortable: true },
    { label: 'Object', fieldName: OBJECT_NAME_FIELD.fieldApiName, sortable: true, initialWidth: 110 },
    { label: 'Operation', fieldName: OPERATION_FIELD.fieldApiName, initialWidth: 100 },
    { label: 'Records', fieldName: RECORD_COUNT_FIELD.fieldApiName, type: 'number', sortable: true, initialWidth: 90 },
    { label: 'Why', fieldName: SUMMARY_FIELD.fieldApiName, wrapText: false },
    {
        label: 'Detected',
        fieldName: DETECTED_AT_FIELD.fieldApiName,
        type: 'date',
        sortable: true,
        typeAttributes: { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' }
    },
    { type: 'action', typeAttributes: { rowActions: ROW_ACTIONS } }
];

/**
 * The verdict list a security reviewer works through: filters, sorting, and triage actions.
 */
export default class VerdictList extends NavigationMixin(LightningElement) {
    columns = COLUMNS;
    severityOptions = SEVERITY_OPTIONS;
    statusOptions = STATUS_OPTIONS;

    severity = '';
    status = 'New';
    searchTerm = '';
    sortBy = DETECTED_AT_FIELD.fieldApiName;
    sortDirection = 'desc';

    /** The open dialog: `{ kind: 'falsePositive' | 'escalate', verdicts: [...] }`. */
    pendingAction;
    actionText = '';
    working = false;
    selectedRows = [];

    @wire(getVerdicts, {
        severity: '$severity',
        status: '$status',
        searchTerm: '$searchTerm',
        sortBy: '$sortBy',
        sortDirection: '$sortDirection'
    })
    verdicts;

    get hasVerdicts() {
        return this.verdicts.data && this.verdicts.data.length > 0;
    }

    get noSelection() {
        return this.selectedRows.length === 0 || this.working;
    }

    get isFalsePositive() {
        return this.pendingAction && this.pendingAction.kind === 'falsePositive';
    }

    get isEscalation() {
        return this.pendingAction && this.pendingAction.kind === 'escalate';
    }

    get pendingNames() {
        return this.pendingAction.verdicts.map((verdict) => verdict[NAME_FIELD.fieldApiName]).join(', ');
    }

    get confirmDisabled() {
        return this.working || !this.actionText.trim();
    }

    handleSeverityChange(event) {
        this.severity = event.detail.value;
    }

    handleStatusChange(event) {
        this.status = event.detail.value;
    }

    handleSearchChange(event) {
        window.clearTimeout(this.searchTimer);
        const value = event.target.value;
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.searchTimer = window.setTimeout(() => {
            this.searchTerm = value;
        }, SEARCH_DELAY);
    }

    handleSort(event) {
        this.sortBy = event.detail.fieldName;
        this.sortDirection = event.detail.sortDirection;
    }

    handleRowSelection(event) {
        this.selectedRows = event.detail.selectedRows;
    }

    handleRowAction(event) {
        const { action, row } = event.detail;
        switch (action.name) {
            case 'view':
                this[NavigationMixin.Navigate]({
                    type: 'standard__recordPage',
                    attributes: { recordId: row.Id, actionName: 'view' }
                });
                break;
            case 'acknowledge':
                this.acknowledgeVerdicts([row]);
                break;
            default:
                this.openDialog(action.name, [row]);
        }
    }

    handleAcknowledgeSelected() {
        this.acknowledgeVerdicts(this.selectedRows);
    }

    handleEscalateSelected() {
        this.openDialog('escalate', this.selectedRows);
    }

    openDialog(kind, verdicts) {
        this.pendingAction = { kind, verdicts };
        this.actionText =
            kind === 'escalate' ? `${verdicts[0][SEVERITY_FIELD.fieldApiName]} leak: ${verdicts[0][SUMMARY_FIELD.fieldApiName] || verdicts[0][NAME_FIELD.fieldApiName]}`.slice(0, 80) : '';
    }

    handleActionTextChange(event) {
        this.actionText = event.target.value;
    }

    handleCancel() {
        this.pendingAction = undefined;
        this.actionText = '';
    }

    async handleConfirm() {
        const { kind, verdicts } = this.pendingAction;
        if (kind === 'falsePositive') {
            await this.run(
                () => markFalsePositive({ verdictId: verdicts[0].Id, reason: this.actionText.trim() }),
                (closed) => `${closed} verdict(s) closed as false positive.`
            );
        } else {
            await this.run(
                () => escalate({ verdictIds: verdicts.map((verdict) => verdict.Id), title: this.actionText.trim() }),
                () => `Incident opened for ${verdicts.length} verdict(s).`
            );
        }
    }

    acknowledgeVerdicts(verdicts) {
        return this.run(
            () => acknowledge({ verdictIds: verdicts.map((verdict) => verdict.Id) }),
            (changed) => `${changed} verdict(s) acknowledged.`
        );
    }

    async run(call, successMessage) {
        this.working = true;
        try {
            const result = await call();
            this.dispatchEvent(new ShowToastEvent({ title: 'Done', message: successMessage(result), variant: 'success' }));
            this.pendingAction = undefined;
            this.actionText = '';
            this.selectedRows = [];
            await refreshApex(this.verdicts);
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({ title: 'The action failed', message: reduceErrors(error).join(', '), variant: 'error' })
            );
        } finally {
            this.working = false;
        }
    }
}
