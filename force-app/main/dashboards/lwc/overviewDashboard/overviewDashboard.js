import { LightningElement, wire } from 'lwc';
import getOverview from '@salesforce/apex/OverviewController.getOverview';
import { severityBadgeClass } from 'c/ldsUtils';

// Keyed by SignalCoverage's states: green is watched, red is broken, amber is not watched or not known.
const COVERAGE_BADGES = {
    Captured: 'slds-badge slds-theme_success',
    Collected: 'slds-badge slds-theme_success',
    Subscribed: 'slds-badge slds-theme_success',
    Lagging: 'slds-badge slds-theme_warning',
    Failing: 'slds-badge slds-theme_error',
    SwitchedOff: 'slds-badge slds-theme_error',
    Unavailable: 'slds-badge slds-theme_warning',
    NotCollected: 'slds-badge slds-theme_warning',
    Stale: 'slds-badge slds-theme_warning',
    NotReported: 'slds-badge slds-theme_warning'
};

function withShare(buckets) {
    const max = Math.max(1, ...buckets.map((bucket) => bucket.total));
    return buckets.map((bucket) => ({
        ...bucket,
        barStyle: `width: ${Math.round((bucket.total / max) * 100)}%`
    }));
}

// Actors seen too rarely to have a baseline carry no z-score. Keyed by user id: the masked usernames
// of two users the current user cannot see may be equal.
function withAnomalyLabel(actor) {
    return {
        ...actor,
        key: actor.userId || actor.username,
        anomalyLabel: actor.anomalyScore === null || actor.anomalyScore === undefined ? 'no baseline' : `z ${actor.anomalyScore}`
    };
}

/**
 * The Leakwatch home page: what an admin checks every morning.
 */
export default class OverviewDashboard extends LightningElement {
    @wire(getOverview)
    overview;

    get severityTiles() {
        return this.overview.data.openBySeverity.map((bucket) => ({
            ...bucket,
            badgeClass: severityBadgeClass(bucket.label)
        }));
    }

    get openTotal() {
        return this.overview.data.openBySeverity.reduce((sum, bucket) => sum + bucket.total, 0);
    }

    get findingsByType() {
        return withShare(this.overview.data.findingsByType);
    }

    get findingsByObject() {
        return withShare(this.overview.data.findingsByObject);
    }

    get hasFindings() {
        return this.overview.data.findingsByType.length > 0;
    }

    get topActors() {
        return this.overview.data.topActors.map(withAnomalyLabel);
    }

    get hasTopActors() {
        return this.topActors.length > 0;
    }

    get topIntegrations() {
        return this.overview.data.topIntegrations.map(withAnomalyLabel);
    }

    get hasTopIntegrations() {
        return this.topIntegrations.length > 0;
    }

    get sidecar() {
        return this.overview.data.sidecar;
    }

    get coverage() {
        return this.overview.data.coverage.map((signal) => ({
            ...signal,
            badgeClass: COVERAGE_BADGES[signal.state] || 'slds-badge',
            hasRows: signal.rows24h !== null && signal.rows24h !== undefined
        }));
    }
}
