import { LightningElement, wire } from 'lwc';
import getDataMap from '@salesforce/apex/DataMapController.getDataMap';

const COLUMNS = [
    { label: 'Object', fieldName: 'objectName', initialWidth: 160 },
    { label: 'Field', fieldName: 'fieldName', initialWidth: 180 },
    { label: 'Personal data types', fieldName: 'types', wrapText: true },
    { label: 'Special category (Art. 9)', fieldName: 'specialCategoryLabel', initialWidth: 190 },
    { label: 'Findings', fieldName: 'findings', type: 'number', initialWidth: 100 },
    { label: 'Occurrences', fieldName: 'occurrences', type: 'number', initialWidth: 120 },
    { label: 'Max confidence', fieldName: 'maxConfidence', type: 'percent', initialWidth: 140, typeAttributes: { maximumFractionDigits: 0 } }
];

/**
 * The personal data map for GDPR Art. 30 records of processing, built from what Leakwatch found.
 */
export default class DataMap extends LightningElement {
    columns = COLUMNS;

    @wire(getDataMap)
    dataMap;

    get rows() {
        return this.dataMap.data.map((entry) => ({
            ...entry,
            types: entry.entityTypes.join(', '),
            specialCategoryLabel: entry.specialCategory ? 'Yes: health data' : 'No'
        }));
    }

    get hasRows() {
        return this.dataMap.data && this.dataMap.data.length > 0;
    }

    get objectCount() {
        return new Set(this.dataMap.data.map((entry) => entry.objectName)).size;
    }

    get summary() {
        return `${this.dataMap.data.length} fields on ${this.objectCount} objects hold personal data.`;
    }
}
