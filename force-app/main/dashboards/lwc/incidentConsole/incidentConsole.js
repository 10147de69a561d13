import { LightningElement, wire } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { refreshApex } from '@salesforce/apex';
import getIncidents from '@salesforce/apex/IncidentController.getIncidents';
import recordMilestone from '@salesforce/apex/IncidentController.recordMilestone';
import getIncidentVerdicts from '@salesforce/apex/IncidentController.getIncidentVerdicts';
import mergeIncidents from '@salesforce/apex/IncidentController.mergeIncidents';
import splitIncident from '@salesforce/apex/IncidentController.splitIncident';
import NAME_FIELD from '@salesforce/schema/Incident__c.Name';
import STATUS_FIELD from '@salesforce/schema/Incident__c.Status__c';
import SEVERITY_FIELD from '@salesforce/schema/Incident__c.Severity__c';
import DETECTED_AT_FIELD from '@salesforce/schema/Incident__c.DetectedAt__c';
import CONFIRMED_AT_FIELD from '@salesforce/schema/Incident__c.ConfirmedAt__c';
import EARLY_WARNING_FIELD from '@salesforce/schema/Incident__c.EarlyWarningSentAt__c';
import NIS2_NOTIFICATION_SENT_FIELD from '@salesforce/schema/Incident__c.Nis2NotificationSentAt__c';
import AUTHORITY_NOTIFIED_FIELD from '@salesforce/schema/Incident__c.AuthorityNotifiedAt__c';
import FINAL_REPORT_SENT_FIELD from '@salesforce/schema/Incident__c.FinalReportSentAt__c';
import DATA_CATEGORIES_FIELD from '@salesforce/schema/Incident__c.DataCategories__c';
import SUBJECTS_FIELD from '@salesforce/schema/Incident__c.EstimatedSubjects__c';
import SUMMARY_FIELD from '@salesforce/schema/Incident__c.Summary__c';
import TIMELINE_FIELD from '@salesforce/schema/Incident__c.Timeline__c';
import MILESTONES_FIELD from '@salesforce/schema/Incident__c.Milestones__c';
import AWARENESS_AT_FIELD from '@salesforce/schema/Incident__c.AwarenessAt__c';
import AWARENESS_BASIS_FIELD from '@salesforce/schema/Incident__c.AwarenessBasis__c';
import GDPR_NOTIFY_BY_FIELD from '@salesforce/schema/Incident__c.GdprNotifyBy__c';
import NIS2_EARLY_WARNING_BY_FIELD from '@salesforce/schema/Incident__c.Nis2EarlyWarningBy__c';
import NIS2_NOTIFICATION_BY_FIELD from '@salesforce/schema/Incident__c.Nis2NotificationBy__c';
import NIS2_FINAL_REPORT_BY_FIELD from '@salesforce/schema/Incident__c.Nis2FinalReportBy__c';
import MERGED_INTO_FIELD from '@salesforce/schema/Incident__c.MergedInto__c';
import VERDICT_NAME_FIELD from '@salesforce/schema/LeakVerdict__c.Name';
import VERDICT_SEVERITY_FIELD from '@salesforce/schema/LeakVerdict__c.Severity__c';
import VERDICT_REASON_FIELD from '@salesforce/schema/LeakVerdict__c.ReasonSummary__c';
import { parseJson, reduceErrors, severityBadgeClass, splitList } from 'c/ldsUtils';
import { clockState, deadlinesFrom } from 'c/incidentClocks';

const TICK = 60 * 1000;
/** Set by the sidecar on an incident merged into another (MergedInto__c). */
const MERGED = 'Merged';
/** Incidents that can no longer be merged into another. */
const FINISHED_STATUSES = new Set(['Closed', MERGED]);
const UPDATES_SOON = 'Leakwatch updates the incidents in a moment.';
const CLOCK_CLASSES = {
    notStarted: 'slds-badge',
    running: 'slds-badge slds-theme_info',
    past50: 'slds-badge slds-theme_warning',
    past90: 'slds-badge slds-theme_error',
    overdue: 'slds-badge slds-theme_error',
    met: 'slds-badge slds-theme_success',
    metLate: 'slds-badge slds-theme_warning'
};

/**
 * The four regulatory clocks: the sidecar's deadline field, the milestone that meets it, and for an incident opened
 * by hand (no deadline fields) where it starts instead: NIS2 from detection, GDPR from confirmation.
 */
const CLOCKS = [
    {
        key: 'gdpr72h',
        name: 'GDPR Art. 33: notify the supervisory authority (72 h)',
        deadlineField: GDPR_NOTIFY_BY_FIELD,
        fallback: 'gdprAuthorityBy',
        fallbackStart: CONFIRMED_AT_FIELD,
        notStartedHint: 'Starts when the breach is confirmed',
        metField: AUTHORITY_NOTIFIED_FIELD
    },
    {
        key: 'nis2EarlyWarning24h',
        name: 'NIS2 early warning (24 h)',
        deadlineField: NIS2_EARLY_WARNING_BY_FIELD,
        fallback: 'nis2EarlyWarningBy',
        fallbackStart: DETECTED_AT_FIELD,
        notStartedHint: 'No detection time',
        metField: EARLY_WARNING_FIELD
    },
    {
        key: 'nis2Notification72h',
        name: 'NIS2 incident notification (72 h)',
        deadlineField: NIS2_NOTIFICATION_BY_FIELD,
        fallback: 'nis2NotificationBy',
        fallbackStart: DETECTED_AT_FIELD,
        notStartedHint: 'No detection time',
        metField: NIS2_NOTIFICATION_SENT_FIELD
    },
    {
        key: 'nis2FinalReport1Month',
        name: 'NIS2 final report (1 month after the notification deadline)',
        deadlineField: NIS2_FINAL_REPORT_BY_FIELD,
        fallback: 'nis2FinalReportBy',
        fallbackStart: DETECTED_AT_FIELD,
        notStartedHint: 'No detection time',
        metField: FINAL_REPORT_SENT_FIELD
    }
];

/**
 * The milestones a DPO records, in the order they usually happen; IncidentController.recordMilestone takes the
 * same names. One is recorded when its field is set, its status reached (contain, close) or it is in Milestones__c.
 */
const MILESTONES = [
    { name: 'confirm', label: 'Confirm breach', what: 'Breach confirmed', field: CONFIRMED_AT_FIELD },
    { name: 'earlyWarning', label: 'Early warning sent', what: 'NIS2 early warning sent', field: EARLY_WARNING_FIELD },
    { name: 'nis2Notification', label: 'NIS2 notification sent', what: 'NIS2 incident notification sent', field: NIS2_NOTIFICATION_SENT_FIELD },
    { name: 'notifyAuthority', label: 'Authority notified', what: 'Supervisory authority notified (GDPR Art. 33)', field: AUTHORITY_NOTIFIED_FIELD },
    { name: 'finalReport', label: 'Final report sent', what: 'NIS2 final report sent', field: FINAL_REPORT_SENT_FIELD },
    { name: 'contain', label: 'Contained', what: 'Incident contained', status: 'Contained' },
    { name: 'close', label: 'Close', what: 'Incident closed', status: 'Closed' }
];
const MILESTONE_WHAT = Object.fromEntries(MILESTONES.map((milestone) => [milestone.name, milestone.what]));

const value = (incident, field) => incident[field.fieldApiName];

function clocksOf(incident, now) {
    const awareness = value(incident, AWARENESS_AT_FIELD);
    return CLOCKS.map((clock) => {
        const sidecarDeadline = value(incident, clock.deadlineField);
        const startedAt = sidecarDeadline ? awareness : value(incident, clock.fallbackStart);
        const fallback = deadlinesFrom(startedAt);
        const deadline = sidecarDeadline || (fallback && fallback[clock.fallback]);
        const state = clockState({ startedAt, deadline, metAt: value(incident, clock.metField) }, now);
        return {
            key: clock.key,
            name: clock.name,
            ...state,
            label: state.state === 'notStarted' ? clock.notStartedHint : state.label,
            badgeClass: CLOCK_CLASSES[state.state],
            barStyle: `width: ${state.percent}%`,
            progressLabel: `${clock.name}: ${state.percent} % of the time gone`
        };
    });
}

/** The sidecar's Timeline__c and the DPO's Milestones__c as one list, oldest first. */
function timelineOf(incident) {
    const sidecar = parseJson(value(incident, TIMELINE_FIELD), []).map((entry) => ({ at: entry.at, what: entry.what, who: entry.who, source: 'Leakwatch' }));
    const recorded = parseJson(value(incident, MILESTONES_FIELD), []).map((entry) => ({
        at: entry.at,
        what: MILESTONE_WHAT[entry.milestone] || entry.milestone,
        who: entry.who,
        source: 'Recorded in the console'
    }));
    return [...sidecar, ...recorded]
        .filter((entry) => entry && entry.at)
        .sort((a, b) => new Date(a.at) - new Date(b.at))
        .map((entry, index) => ({ key: `${entry.at}-${index}`, ...entry }));
}

function isRecorded(incident, milestone) {
    if (milestone.field) {
        return !!value(incident, milestone.field);
    }
    return value(incident, STATUS_FIELD) === milestone.status;
}

function openMilestones(incident) {
    const logged = new Set(parseJson(value(incident, MILESTONES_FIELD), []).map((entry) => entry.milestone));
    return MILESTONES.filter((milestone) => !logged.has(milestone.name) && !isRecorded(incident, milestone)).map(({ name, label }) => ({ name, label }));
}

/** The survivor a merged incident points to: MergedInto__c and its relationship (MergedInto__r, namespaced alike). */
function mergedIntoOf(incident) {
    const id = value(incident, MERGED_INTO_FIELD);
    const survivor = incident[MERGED_INTO_FIELD.fieldApiName.replace(/__c$/, '__r')];
    return id ? { id, name: (survivor && survivor.Name) || id, url: `/lightning/r/${id}/view` } : undefined;
}

function awarenessOf(incident) {
    const at = value(incident, AWARENESS_AT_FIELD);
    if (at) {
        return { at, basis: value(incident, AWARENESS_BASIS_FIELD) || 'Detection', note: null };
    }
    return {
        at: value(incident, DETECTED_AT_FIELD),
        basis: 'Detection',
        note: 'Opened by hand: the NIS2 clocks count from detection, the GDPR clock from confirmation.'
    };
}

/**
 * The DPO's incident console: the incidents, and for the one selected its four regulatory clocks (the sidecar's
 * deadlines), awareness, what data and how many people, one timeline, and the milestones still to record.
 */
export default class IncidentConsole extends LightningElement {
    now = Date.now();
    selectedId;
    working = false;
    milestoneError;
    /** The merge or split panel open for the selected incident: 'merge', 'split' or undefined. */
    changing;
    /** Ids checked in the open panel: incidents to merge in, or verdicts to split out. */
    checkedIds = [];
    changeError;
    /** The incident whose verdicts the split panel lists; set while that panel is open. */
    splitIncidentId;

    @wire(getIncidents)
    incidents;

    @wire(getIncidentVerdicts, { incidentId: '$splitIncidentId' })
    verdicts;

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

    get selectedIncident() {
        const data = this.incidents.data || [];
        return data.find((incident) => incident.Id === this.selectedId) || data[0];
    }

    get list() {
        const selected = this.selectedIncident;
        return this.incidents.data.map((incident) => {
            const current = incident === selected;
            return {
                id: incident.Id,
                name: value(incident, NAME_FIELD),
                status: value(incident, STATUS_FIELD),
                severity: value(incident, SEVERITY_FIELD),
                severityClass: severityBadgeClass(value(incident, SEVERITY_FIELD)),
                ariaCurrent: current ? 'true' : 'false',
                itemClass: current ? 'slds-item incident-item slds-theme_shade' : 'slds-item incident-item'
            };
        });
    }

    get shown() {
        const incident = this.selectedIncident;
        if (!incident) {
            return undefined;
        }
        const merged = value(incident, STATUS_FIELD) === MERGED;
        return {
            id: incident.Id,
            name: value(incident, NAME_FIELD),
            status: value(incident, STATUS_FIELD),
            merged,
            mergedInto: merged ? mergedIntoOf(incident) : undefined,
            severity: value(incident, SEVERITY_FIELD),
            severityClass: severityBadgeClass(value(incident, SEVERITY_FIELD)),
            detectedAt: value(incident, DETECTED_AT_FIELD),
            awareness: awarenessOf(incident),
            subjects: value(incident, SUBJECTS_FIELD) || 0,
            categories: splitList(value(incident, DATA_CATEGORIES_FIELD)),
            summary: value(incident, SUMMARY_FIELD),
            clocks: clocksOf(incident, this.now),
            timeline: timelineOf(incident),
            milestones: openMilestones(incident)
        };
    }

    get hasOpenMilestones() {
        return this.shown.milestones.length > 0;
    }

    get mergeOpen() {
        return this.changing === 'merge';
    }

    get splitOpen() {
        return this.changing === 'split';
    }

    get mergeLegend() {
        return `Merge these incidents into ${this.shown.name}`;
    }

    get splitLegend() {
        return `Move these verdicts of ${this.shown.name} into a new incident`;
    }

    /** The other incidents still open, which a merge can fold into the selected one. */
    get mergeCandidates() {
        const selected = this.selectedIncident;
        return this.incidents.data
            .filter((incident) => incident !== selected && !FINISHED_STATUSES.has(value(incident, STATUS_FIELD)))
            .map((incident) => ({
                id: incident.Id,
                label: `${value(incident, NAME_FIELD)} (${value(incident, SEVERITY_FIELD)}, ${value(incident, STATUS_FIELD)})`,
                checked: this.checkedIds.includes(incident.Id)
            }));
    }

    get hasMergeCandidates() {
        return this.mergeCandidates.length > 0;
    }

    get mergeDisabled() {
        return this.working || this.checkedIds.length === 0;
    }

    get splitVerdicts() {
        return (this.verdicts.data || []).map((verdict) => ({
            id: verdict.Id,
            label: `${value(verdict, VERDICT_NAME_FIELD)} (${value(verdict, VERDICT_SEVERITY_FIELD)}): ${value(verdict, VERDICT_REASON_FIELD) || ''}`,
            checked: this.checkedIds.includes(verdict.Id)
        }));
    }

    get hasSplitVerdicts() {
        return !!this.verdicts.data && this.verdicts.data.length > 0;
    }

    get splitLoading() {
        return !this.verdicts.data && !this.verdicts.error;
    }

    /** A split moves some verdicts, never none and never all: the sidecar refuses an empty incident. */
    get splitDisabled() {
        const total = this.verdicts.data ? this.verdicts.data.length : 0;
        return this.working || this.checkedIds.length === 0 || this.checkedIds.length >= total;
    }

    handleSelect(event) {
        this.selectedId = event.currentTarget.dataset.id;
        this.now = Date.now();
        this.milestoneError = undefined;
        this.closeChange();
    }

    handleShowSurvivor(event) {
        event.preventDefault();
        this.selectedId = event.currentTarget.dataset.id;
        this.now = Date.now();
        this.milestoneError = undefined;
        this.closeChange();
    }

    handleOpenMerge() {
        this.closeChange();
        this.changing = 'merge';
    }

    handleOpenSplit() {
        this.closeChange();
        this.changing = 'split';
        this.splitIncidentId = this.shown.id;
    }

    handleCancelChange() {
        this.closeChange();
    }

    handleCheck(event) {
        const id = event.target.dataset.id;
        const others = this.checkedIds.filter((checkedId) => checkedId !== id);
        this.checkedIds = event.target.checked ? [...others, id] : others;
    }

    closeChange() {
        this.changing = undefined;
        this.checkedIds = [];
        this.changeError = undefined;
        this.splitIncidentId = undefined;
    }

    async handleMerge() {
        const survivorId = this.shown.id;
        await this.change('Not merged', async () => {
            await mergeIncidents({ survivorId, otherIds: this.checkedIds });
            return `Merged. ${UPDATES_SOON}`;
        });
    }

    async handleSplit() {
        const incidentId = this.shown.id;
        const verdicts = this.verdicts;
        await this.change('Not split', async () => {
            const split = await splitIncident({ incidentId, verdictIds: this.checkedIds });
            await refreshApex(verdicts);
            return split && split.title ? `Split out as "${split.title}". ${UPDATES_SOON}` : `Split. ${UPDATES_SOON}`;
        });
    }

    /** Runs a merge or split, then closes its panel and reloads, or shows why it was refused and keeps the panel. */
    async change(refusedTitle, action) {
        this.working = true;
        this.changeError = undefined;
        try {
            const message = await action();
            this.dispatchEvent(new ShowToastEvent({ title: 'Done', message, variant: 'success' }));
            this.closeChange();
            await refreshApex(this.incidents);
        } catch (error) {
            this.changeError = error;
            this.dispatchEvent(new ShowToastEvent({ title: refusedTitle, message: reduceErrors(error).join(', '), variant: 'error' }));
        } finally {
            this.working = false;
        }
    }

    async handleMilestone(event) {
        const incidentId = event.target.dataset.id;
        const milestone = event.target.dataset.milestone;
        const label = event.target.label;
        this.working = true;
        this.milestoneError = undefined;
        try {
            await recordMilestone({ incidentId, milestone });
            this.dispatchEvent(new ShowToastEvent({ title: 'Recorded', message: label, variant: 'success' }));
            await refreshApex(this.incidents);
            // The clocks count from the milestone just stamped: count from now, not from the last tick.
            this.now = Date.now();
        } catch (error) {
            this.milestoneError = error;
            this.dispatchEvent(new ShowToastEvent({ title: 'Not recorded', message: reduceErrors(error).join(', '), variant: 'error' }));
        } finally {
            this.working = false;
        }
    }
}
