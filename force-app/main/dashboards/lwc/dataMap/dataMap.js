import { LightningElement, wire } from 'lwc';
import getDataMap from '@salesforce/apex/DataMapController.getDataMap';

const COLUMNS = [
    { label: 'Object', fieldName: 'objectName', initialWidth: 160 },
    { label: 'Field', fieldName: 'fieldName', initialWidth: 180 },
    { label: 'Personal data types', fieldName: 'types', wrapText: true },
    { label: 'Art. 9 special category', fieldName: 'specialCategoryLabel', initialWidth: 200 },
    { label: 'Findings', fieldName: 'findings', type: 'number', initialWidth: 110 },
    { label: 'Occurrences', fieldName: 'occurrences', type: 'number', initialWidth: 130 },
    { label: 'Max confidence', fieldName: 'maxConfidence', type: 'percent', initialWidth: 150, typeAttributes: { maximumFractionDigits: 0 } }
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
        const fields = this.dataMap.data.length;
        const objects = this.objectCount;
        return `${fields} ${fields === 1 ? 'field' : 'fields'} on ${objects} ${objects === 1 ? 'object holds' : 'objects hold'} personal data.`;
    }
}
