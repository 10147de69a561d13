import { LightningElement } from 'lwc';
import getChecks from '@salesforce/apex/LeakwatchSetupController.getChecks';

/** The Leakwatch Setup tab: what is configured, what is missing, and how to fix it. */
export default class LeakwatchSetup extends LightningElement {
    checks;
    error;
    isLoading = false;

    connectedCallback() {
        this.refresh();
    }

    get rows() {
        return (this.checks || []).map((check) => ({
            ...check,
            iconName: check.ok ? 'utility:success' : 'utility:warning',
            iconVariant: check.ok ? 'success' : 'warning',
            iconText: check.ok ? 'Passed' : 'Needs attention'
        }));
    }

    get summary() {
        const open = (this.checks || []).filter((check) => !check.ok).length;
        return open === 0 ? 'Leakwatch is fully set up.' : `${open} of ${this.checks.length} checks need attention.`;
    }

    async refresh() {
        this.isLoading = true;
        try {
            this.checks = await getChecks();
            this.error = undefined;
        } catch (error) {
            this.error = error;
        } finally {
            this.isLoading = false;
        }
    }
}
