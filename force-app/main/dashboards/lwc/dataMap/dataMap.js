import { LightningElement, wire } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import getDataMap from '@salesforce/apex/DataMapController.getDataMap';
import getClassificationSuggestions from '@salesforce/apex/DataMapController.getClassificationSuggestions';
import reviewClassification from '@salesforce/apex/DataMapController.reviewClassification';
import { reduceErrors, splitList } from 'c/ldsUtils';
import { processingRows, toCsv, toJson } from './recordOfProcessing';

const APPROVED = 'Approved';
const DISMISSED = 'Dismissed';
const STATUS_BADGES = {
    Suggested: 'slds-badge',
    Approved: 'slds-badge slds-theme_info',
    Applied: 'slds-badge slds-theme_success',
    Failed: 'slds-badge slds-theme_error',
    Dismissed: 'slds-badge slds-badge_lightest'
};

function plural(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
}

function decorateFlow(flow) {
    const warnings = [];
    if (!flow.regionAllowed) {
        warnings.push({ key: 'region', label: 'Outside allowed regions', className: 'slds-badge slds-theme_error warning' });
    }
    if (!flow.allowListed) {
        warnings.push({ key: 'allow-list', label: 'Not allow-listed', className: 'slds-badge slds-theme_warning warning' });
    }
    return {
        ...flow,
        route: `${flow.sourceService} → ${flow.destinationHost}`,
        regionLabel: flow.region || 'Region unknown',
        warnings,
        hasCalls: flow.callsPerDay !== null && flow.callsPerDay !== undefined,
        callsLabel: `${Number(flow.callsPerDay).toLocaleString()} calls/day`,
        policyLabel: `policy ${flow.policyName}`
    };
}

function includesTerm(values, term) {
    return values.some((value) => !!value && value.toLowerCase().includes(term));
}

/**
 * The personal data map for GDPR Art. 30 records of processing: which fields hold which personal data, where the
 * data flows, and the data classification suggestions an admin reviews.
 */
export default class DataMap extends LightningElement {
    filterText = '';
    aiOnly = false;
    outsideRegionsOnly = false;
    specialOnly = false;
    workingId;

    @wire(getDataMap)
    dataMap;

    @wire(getClassificationSuggestions)
    suggestions;

    get hasRows() {
        return this.dataMap.data && this.dataMap.data.length > 0;
    }

    get fields() {
        return this.dataMap.data.map((entry) => ({
            ...entry,
            types: entry.entityTypes.join(', '),
            specialCategoryLabel: entry.specialCategory ? 'Yes: health data' : 'No',
            flows: (entry.flows || []).map(decorateFlow)
        }));
    }

    get filterActive() {
        return !!this.filterText.trim() || this.aiOnly || this.outsideRegionsOnly || this.specialOnly;
    }

    /** The fields that pass the filter, each with the flows that pass it. */
    get visibleFields() {
        const term = this.filterText.trim().toLowerCase();
        const flowToggles = this.aiOnly || this.outsideRegionsOnly;
        const visible = [];
        for (const field of this.fields) {
            if (this.specialOnly && !field.specialCategory) {
                continue;
            }
            let flows = field.flows.filter((flow) => (!this.aiOnly || flow.aiService) && (!this.outsideRegionsOnly || !flow.regionAllowed));
            const fieldMatches = !term || includesTerm([field.objectName, field.fieldName, ...field.entityTypes], term);
            if (!fieldMatches) {
                flows = flows.filter((flow) => includesTerm([flow.sourceService, flow.destinationHost], term));
            }
            if ((flowToggles || !fieldMatches) && flows.length === 0) {
                continue;
            }
            visible.push({ ...field, flows, hasFlows: flows.length > 0 });
        }
        return visible;
    }

    get hasVisibleFields() {
        return this.visibleFields.length > 0;
    }

    get summary() {
        const fields = this.dataMap.data.length;
        const objects = new Set(this.dataMap.data.map((entry) => entry.objectName)).size;
        return `${fields} ${fields === 1 ? 'field' : 'fields'} on ${objects} ${objects === 1 ? 'object holds' : 'objects hold'} personal data.`;
    }

    get flowSummary() {
        const flows = new Map();
        for (const field of this.fields) {
            for (const flow of field.flows) {
                flows.set(flow.key, flow);
            }
        }
        if (flows.size === 0) {
            return 'No data flow carrying these fields has been seen yet.';
        }
        const all = [...flows.values()];
        const destinations = new Set(all.map((flow) => flow.destinationHost)).size;
        const ai = all.filter((flow) => flow.aiService).length;
        const outside = all.filter((flow) => !flow.regionAllowed).length;
        return `${plural(flows.size, 'data flow carries', 'data flows carry')} them to ${plural(destinations, 'destination', 'destinations')}: ${ai} to AI services, ${outside} outside the allowed regions.`;
    }

    get filterSummary() {
        return `Showing ${this.visibleFields.length} of ${plural(this.dataMap.data.length, 'field', 'fields')}.`;
    }

    handleFilterText(event) {
        this.filterText = event.target.value || '';
    }

    handleToggle(event) {
        this[event.target.dataset.toggle] = event.target.checked;
    }

    get exportDisabled() {
        return !this.hasRows || !this.hasVisibleFields;
    }

    get exportFilter() {
        return {
            text: this.filterText.trim(),
            aiDestinationsOnly: this.aiOnly,
            outsideAllowedRegionsOnly: this.outsideRegionsOnly,
            specialCategoriesOnly: this.specialOnly
        };
    }

    handleExportCsv() {
        this.download('csv', toCsv(processingRows(this.visibleFields)), 'text/plain');
    }

    handleExportJson() {
        this.download('json', toJson(processingRows(this.visibleFields), new Date().toISOString(), this.exportFilter), 'application/json');
    }

    /**
     * Downloads through a blob: URL. Lightning Web Security blocks data: URIs in links and Blob MIME types outside its
     * list: text/csv is not on it, so the CSV goes out as text/plain with a .csv name.
     */
    download(extension, content, type) {
        const url = URL.createObjectURL(new Blob([content], { type }));
        const anchor = document.createElement('a');
        anchor.href = url;
        anchor.download = `leakwatch-record-of-processing-${new Date().toISOString().slice(0, 10)}.${extension}`;
        anchor.click();
        URL.revokeObjectURL(url);
    }

    get canReview() {
        return !!this.suggestions.data && this.suggestions.data.canReview === true;
    }

    get hasSuggestions() {
        return !!this.suggestions.data && this.suggestions.data.suggestions.length > 0;
    }

    get suggestionItems() {
        return this.suggestions.data.suggestions.map((suggestion) => ({
            ...suggestion,
            types: splitList(suggestion.piiTypes).join(', '),
            currentSensitivityLabel: suggestion.currentSensitivity || 'None',
            currentComplianceLabel: splitList(suggestion.currentCompliance).join(', ') || 'None',
            suggestedComplianceLabel: splitList(suggestion.suggestedCompliance).join(', ') || 'None',
            statusClass: STATUS_BADGES[suggestion.status] || 'slds-badge',
            showActions: this.canReview && suggestion.awaitsReview,
            busy: this.workingId === suggestion.id,
            approveLabel: `Approve ${suggestion.fieldKey}`,
            dismissLabel: `Dismiss ${suggestion.fieldKey}`
        }));
    }

    get awaitingCount() {
        return this.suggestions.data.suggestions.filter((suggestion) => suggestion.awaitsReview).length;
    }

    get suggestionSummary() {
        const waiting = plural(this.awaitingCount, 'suggestion awaits', 'suggestions await');
        return this.canReview
            ? `${waiting} review. An admin applies approved ones in Setup, unless the sidecar is set to apply them.`
            : `${waiting} review by a Leakwatch admin (Review Leakwatch Data Classification).`;
    }

    handleApprove(event) {
        this.review(event.target.dataset.id, APPROVED);
    }

    handleDismiss(event) {
        this.review(event.target.dataset.id, DISMISSED);
    }

    async review(suggestionId, decision) {
        this.workingId = suggestionId;
        try {
            await reviewClassification({ suggestionId, decision });
            this.dispatchEvent(
                new ShowToastEvent({
                    title: decision === APPROVED ? 'Classification approved' : 'Suggestion dismissed',
                    message: decision === APPROVED ? 'The sidecar applies it to the field shortly.' : 'The field keeps its classification.',
                    variant: 'success'
                })
            );
            await refreshApex(this.suggestions);
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({
                    title: 'The decision was not saved',
                    message: reduceErrors(error).join(' '),
                    variant: 'error'
                })
            );
        } finally {
            this.workingId = undefined;
        }
    }
}
