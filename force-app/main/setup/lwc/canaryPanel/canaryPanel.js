import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getCanaries from '@salesforce/apex/CanaryController.getCanaries';
import plantCanaries from '@salesforce/apex/CanaryController.plantCanaries';
import { reduceErrors } from 'c/ldsUtils';

/** CanaryController.MAX_COUNT: the sidecar plants at most this many records per request. */
const MAX_COUNT = 20;
const COUNT_MESSAGE = `Enter a whole number from 1 to ${MAX_COUNT}.`;

/**
 * The Canaries card of the Leakwatch Setup tab: has the sidecar plant canary Contacts or Leads in this org,
 * and lists the canary records it has registered.
 */
export default class CanaryPanel extends LightningElement {
    objectName = 'Contact';
    count = 3;
    registry;
    error;
    isLoading = false;
    isPlanting = false;

    objectOptions = [
        { label: 'Contact', value: 'Contact' },
        { label: 'Lead', value: 'Lead' }
    ];
    maxCount = MAX_COUNT;
    countHelp = `From 1 to ${MAX_COUNT} records per request.`;
    countMessage = COUNT_MESSAGE;

    connectedCallback() {
        this.refresh();
    }

    get isBusy() {
        return this.isLoading || this.isPlanting;
    }

    get spinnerText() {
        return this.isPlanting ? 'Planting canaries' : 'Loading the canaries';
    }

    get records() {
        return ((this.registry && this.registry.records) || []).map((record) => ({
            ...record,
            name: record.label || record.recordId,
            url: `/lightning/r/${record.recordId}/view`
        }));
    }

    get summary() {
        const total = this.records.length;
        if (total === 0) {
            return 'No canary record is registered for this org yet.';
        }
        const records = total === 1 ? '1 canary record is' : `${total} canary records are`;
        return `${records} registered, with ${this.registry.markerCount} marker values.`;
    }

    handleObjectChange(event) {
        this.objectName = event.detail.value;
    }

    handleCountChange(event) {
        this.count = event.detail.value;
        event.target.setCustomValidity('');
    }

    async handlePlant() {
        const input = this.template.querySelector('lightning-input.count');
        const count = Number(this.count);
        const valid = Number.isInteger(count) && count >= 1 && count <= MAX_COUNT;
        input.setCustomValidity(valid ? '' : COUNT_MESSAGE);
        input.reportValidity();
        if (!valid) {
            return;
        }
        const objectName = this.objectName;
        this.isPlanting = true;
        try {
            const planted = await plantCanaries({ objectName, count });
            const what = planted.length === 1 ? `1 canary ${objectName} was` : `${planted.length} canary ${objectName}s were`;
            this.dispatchEvent(
                new ShowToastEvent({ title: 'Canaries planted', message: `${what} planted and registered.`, variant: 'success' })
            );
            await this.refresh();
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({ title: 'The canaries were not planted', message: reduceErrors(error).join(', '), variant: 'error' })
            );
        } finally {
            this.isPlanting = false;
        }
    }

    async refresh() {
        this.isLoading = true;
        try {
            this.registry = await getCanaries();
            this.error = undefined;
        } catch (error) {
            this.error = error;
        } finally {
            this.isLoading = false;
        }
    }
}
