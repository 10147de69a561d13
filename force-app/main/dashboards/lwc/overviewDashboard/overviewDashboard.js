import { LightningElement, wire } from 'lwc';
import getOverview from '@salesforce/apex/OverviewController.getOverview';
import { severityBadgeClass } from 'c/ldsUtils';

const COVERAGE_BADGES = {
    'Real-time': 'slds-badge slds-theme_success',
    Polled: 'slds-badge slds-theme_warning',
    'Not visible': 'slds-badge slds-theme_error'
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
            badgeClass: COVERAGE_BADGES[signal.mode] || 'slds-badge'
        }));
    }
}
