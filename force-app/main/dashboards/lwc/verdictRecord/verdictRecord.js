import { LightningElement, api, wire } from 'lwc';
import getVerdict from '@salesforce/apex/VerdictController.getVerdict';
import NAME_FIELD from '@salesforce/schema/LeakVerdict__c.Name';
import SEVERITY_FIELD from '@salesforce/schema/LeakVerdict__c.Severity__c';
import RISK_SCORE_FIELD from '@salesforce/schema/LeakVerdict__c.RiskScore__c';
import STATUS_FIELD from '@salesforce/schema/LeakVerdict__c.Status__c';
import KIND_FIELD from '@salesforce/schema/LeakVerdict__c.OrgEventKind__c';
import OBJECT_NAME_FIELD from '@salesforce/schema/LeakVerdict__c.ObjectName__c';
import OPERATION_FIELD from '@salesforce/schema/LeakVerdict__c.Operation__c';
import RECORD_COUNT_FIELD from '@salesforce/schema/LeakVerdict__c.RecordCount__c';
import ACTOR_FIELD from '@salesforce/schema/LeakVerdict__c.ActorUsername__c';
import INTEGRATION_FIELD from '@salesforce/schema/LeakVerdict__c.ActorIsIntegration__c';
import OCCURRED_AT_FIELD from '@salesforce/schema/LeakVerdict__c.OccurredAt__c';
import DETECTED_AT_FIELD from '@salesforce/schema/LeakVerdict__c.DetectedAt__c';
import SUMMARY_FIELD from '@salesforce/schema/LeakVerdict__c.ReasonSummary__c';
import REASONS_FIELD from '@salesforce/schema/LeakVerdict__c.Reasons__c';
import ZSCORE_FIELD from '@salesforce/schema/LeakVerdict__c.ZScore__c';
import DETAILS_FIELD from '@salesforce/schema/LeakVerdict__c.Details__c';
import NOTES_FIELD from '@salesforce/schema/LeakVerdict__c.ProcessingNotes__c';
import FALSE_POSITIVE_REASON_FIELD from '@salesforce/schema/LeakVerdict__c.FalsePositiveReason__c';
import EVENT_ID_FIELD from '@salesforce/schema/LeakVerdict__c.EventId__c';
import RECORD_ID_FIELD from '@salesforce/schema/PiiFinding__c.RecordId__c';
import FIELD_NAME_FIELD from '@salesforce/schema/PiiFinding__c.FieldName__c';
import ENTITY_TYPE_FIELD from '@salesforce/schema/PiiFinding__c.EntityType__c';
import CONFIDENCE_FIELD from '@salesforce/schema/PiiFinding__c.Confidence__c';
import DETECTOR_FIELD from '@salesforce/schema/PiiFinding__c.Detector__c';
import OCCURRENCES_FIELD from '@salesforce/schema/PiiFinding__c.Occurrences__c';
import MASKED_SAMPLE_FIELD from '@salesforce/schema/PiiFinding__c.MaskedSample__c';
import { parseJson, severityBadgeClass } from 'c/ldsUtils';

const FINDING_COLUMNS = [
    { label: 'Field', fieldName: FIELD_NAME_FIELD.fieldApiName },
    { label: 'Type', fieldName: ENTITY_TYPE_FIELD.fieldApiName },
    { label: 'Masked sample', fieldName: MASKED_SAMPLE_FIELD.fieldApiName },
    { label: 'Confidence', fieldName: CONFIDENCE_FIELD.fieldApiName, type: 'percent', typeAttributes: { maximumFractionDigits: 0 } },
    { label: 'Occurrences', fieldName: OCCURRENCES_FIELD.fieldApiName, type: 'number' },
    { label: 'Record', fieldName: RECORD_ID_FIELD.fieldApiName },
    { label: 'Detector', fieldName: DETECTOR_FIELD.fieldApiName }
];

function describeValue(value) {
    if (value === null || value === undefined) {
        return '—';
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A verdict's record page: why it scored, what personal data it touched (masked), and the event.
 */
export default class VerdictRecord extends LightningElement {
    @api recordId;

    findingColumns = FINDING_COLUMNS;

    @wire(getVerdict, { verdictId: '$recordId' })
    detail;

    get verdict() {
        return this.detail.data.verdict;
    }

    field(field) {
        return this.verdict[field.fieldApiName];
    }

    get name() {
        return this.field(NAME_FIELD);
    }

    get severity() {
        return this.field(SEVERITY_FIELD);
    }

    get severityClass() {
        return severityBadgeClass(this.severity);
    }

    get summary() {
        return this.field(SUMMARY_FIELD);
    }

    get facts() {
        return [
            ['Status', this.field(STATUS_FIELD)],
            ['Risk score', this.field(RISK_SCORE_FIELD)],
            ['Anomaly (z-score)', this.field(ZSCORE_FIELD)],
            ['Event kind', this.field(KIND_FIELD)],
            ['Object', this.field(OBJECT_NAME_FIELD)],
            ['Operation', this.field(OPERATION_FIELD)],
            ['Records', this.field(RECORD_COUNT_FIELD)],
            ['Actor', `${this.field(ACTOR_FIELD) || '—'}${this.field(INTEGRATION_FIELD) ? ' (integration)' : ''}`],
            ['Event id', this.field(EVENT_ID_FIELD)]
        ].map(([label, value]) => ({ label, value: describeValue(value) }));
    }

    get occurredAt() {
        return this.field(OCCURRED_AT_FIELD);
    }

    get detectedAt() {
        return this.field(DETECTED_AT_FIELD);
    }

    get reasons() {
        return parseJson(this.field(REASONS_FIELD), [])
            .slice()
            .sort((a, b) => (b.weight || 0) - (a.weight || 0))
            .map((reason, index) => ({ key: `${reason.code}-${index}`, ...reason }));
    }

    get hasReasons() {
        return this.reasons.length > 0;
    }

    get findings() {
        return this.detail.data.findings;
    }

    get hasFindings() {
        return this.findings.length > 0;
    }

    get details() {
        const details = parseJson(this.field(DETAILS_FIELD), {});
        return Object.keys(details).map((key) => ({ key, value: describeValue(details[key]) }));
    }

    get hasDetails() {
        return this.details.length > 0;
    }

    get processingNotes() {
        return this.field(NOTES_FIELD);
    }

    get falsePositiveReason() {
        return this.field(FALSE_POSITIVE_REASON_FIELD);
    }
}
