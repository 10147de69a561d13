import { LightningElement, wire } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import getIncidents from '@salesforce/apex/IncidentController.getIncidents';
import recordMilestone from '@salesforce/apex/IncidentController.recordMilestone';
import NAME_FIELD from '@salesforce/schema/Incident__c.Name';
import STATUS_FIELD from '@salesforce/schema/Incident__c.Status__c';
import SEVERITY_FIELD from '@salesforce/schema/Incident__c.Severity__c';
import DETECTED_AT_FIELD from '@salesforce/schema/Incident__c.DetectedAt__c';
import CONFIRMED_AT_FIELD from '@salesforce/schema/Incident__c.ConfirmedAt__c';
import EARLY_WARNING_FIELD from '@salesforce/schema/Incident__c.EarlyWarningSentAt__c';
import AUTHORITY_NOTIFIED_FIELD from '@salesforce/schema/Incident__c.AuthorityNotifiedAt__c';
import DATA_CATEGORIES_FIELD from '@salesforce/schema/Incident__c.DataCategories__c';
import SUBJECTS_FIELD from '@salesforce/schema/Incident__c.EstimatedSubjects__c';
import SUMMARY_FIELD from '@salesforce/schema/Incident__c.Summary__c';
import TIMELINE_FIELD from '@salesforce/schema/Incident__c.Timeline__c';
import { parseJson, reduceErrors, severityBadgeClass, splitList } from 'c/ldsUtils';
import { clockState, GDPR_NOTIFICATION_HOURS, NIS2_EARLY_WARNING_HOURS } from 'c/incidentClocks';

const TICK = 60 * 1000;
const CLOCK_CLASSES = {
    notStarted: 'slds-badge',
    running: 'slds-badge slds-theme_info',
    dueSoon: 'slds-badge slds-theme_warning',
    overdue: 'slds-badge slds-theme_error',
    met: 'slds-badge slds-theme_success',
    metLate: 'slds-badge slds-theme_warning'
};

function clock(name, startedAt, metAt, hours, now, notStartedHint) {
    const state = clockState(startedAt, metAt, hours, now);
    return {
        name,
        ...state,
        label: state.state === 'notStarted' ? notStartedHint : state.label,
        badgeClass: CLOCK_CLASSES[state.state]
    };
}

/**
 * The DPO's incident console: the GDPR and NIS2 clocks, what data and how many people, and the timeline.
 */
export default class IncidentConsole extends LightningElement {
    now = Date.now();
    workingId;

    @wire(getIncidents)
    incidents;

    connectedCallback() {
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.timer = window.setInterval(() => {
            this.now = Date.now();
        }, TICK);
    }

    disconnectedCallback() {
        window.clearInterval(this.timer);
    }

    get hasIncidents() {
        return this.incidents.data && this.incidents.data.length > 0;
    }

    get items() {
        return this.incidents.data.map((incident) => {
            const value = (field) => incident[field.fieldApiName];
            const status = value(STATUS_FIELD);
            const locked = status === 'Closed' || this.workingId === incident.Id;
            return {
                id: incident.Id,
                name: value(NAME_FIELD),
                status,
                severity: value(SEVERITY_FIELD),
                severityClass: severityBadgeClass(value(SEVERITY_FIELD)),
                detectedAt: value(DETECTED_AT_FIELD),
                subjects: value(SUBJECTS_FIELD) || 0,
                categories: splitList(value(DATA_CATEGORIES_FIELD)),
                summary: value(SUMMARY_FIELD),
                clocks: [
                    clock('NIS2 early warning (24 h from detection)', value(DETECTED_AT_FIELD), value(EARLY_WARNING_FIELD), NIS2_EARLY_WARNING_HOURS, this.now, 'No detection time'),
                    clock('GDPR Art. 33 notification (72 h from confirmation)', value(CONFIRMED_AT_FIELD), value(AUTHORITY_NOTIFIED_FIELD), GDPR_NOTIFICATION_HOURS, this.now, 'Starts when the breach is confirmed')
                ],
                timeline: parseJson(value(TIMELINE_FIELD), [])
                    .slice()
                    .sort((a, b) => new Date(a.at) - new Date(b.at))
                    .map((entry, index) => ({ key: `${entry.at}-${index}`, ...entry })),
                cannotConfirm: locked || !!value(CONFIRMED_AT_FIELD),
                cannotWarn: locked || !!value(EARLY_WARNING_FIELD),
                cannotNotify: locked || !!value(AUTHORITY_NOTIFIED_FIELD),
                cannotContain: locked || status === 'Contained',
                cannotClose: locked
            };
        });
    }

    async handleMilestone(event) {
        const incidentId = event.target.dataset.id;
        const milestone = event.target.dataset.milestone;
        const label = event.target.label;
        this.workingId = incidentId;
        try {
            await recordMilestone({ incidentId, milestone });
            this.dispatchEvent(new ShowToastEvent({ title: 'Recorded', message: label, variant: 'success' }));
            await refreshApex(this.incidents);
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({ title: 'Not recorded', message: reduceErrors(error).join(', '), variant: 'error' })
            );
        } finally {
            this.workingId = undefined;
        }
    }
}
