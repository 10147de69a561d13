import { createElement } from 'lwc';
import DataMap from 'c/dataMap';
import getDataMap from '@salesforce/apex/DataMapController.getDataMap';

jest.mock(
    '@salesforce/apex/DataMapController.getDataMap',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);

const ENTRIES = [
    {
        key: 'Case.Description',
        objectName: 'Case',
        fieldName: 'Description',
        entityTypes: ['MEDICAL', 'PERSON'],
        findings: 4,
        occurrences: 9,
        maxConfidence: 0.91,
        specialCategory: true
    },
    {
        key: 'Contact.Email',
        objectName: 'Contact',
        fieldName: 'Email',
        entityTypes: ['EMAIL_ADDRESS'],
        findings: 40,
        occurrences: 40,
        maxConfidence: 0.99,
        specialCategory: false
    },
    {
        key: 'Contact.Phone',
        objectName: 'Contact',
        fieldName: 'Phone',
        entityTypes: ['PHONE_NUMBER'],
        findings: 12,
        occurrences: 12,
        maxConfidence: 0.95,
        specialCategory: false
    }
];

const flushPromises = () => Promise.resolve();

function render() {
    const element = createElement('c-data-map', { is: DataMap });
    document.body.appendChild(element);
    return element;
}

describe('c-data-map', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('lists each field with its personal data types and flags special categories', async () => {
        const element = render();
        getDataMap.emit(ENTRIES);
        await flushPromises();
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('3 fields on 2 objects hold personal data.');
        const rows = element.shadowRoot.querySelector('lightning-datatable').data;
        expect(rows.map((row) => [row.key, row.types, row.specialCategoryLabel])).toEqual([
            ['Case.Description', 'MEDICAL, PERSON', 'Yes: health data'],
            ['Contact.Email', 'EMAIL_ADDRESS', 'No'],
            ['Contact.Phone', 'PHONE_NUMBER', 'No']
        ]);
    });

    it('counts a single field in the singular', async () => {
        const element = render();
        getDataMap.emit([ENTRIES[1]]);
        await flushPromises();
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('1 field on 1 object holds personal data.');
    });

    it('says when nothing has been found', async () => {
        const element = render();
        getDataMap.emit([]);
        await flushPromises();
        expect(element.shadowRoot.querySelector('.empty-state').textContent).toBe('No personal data has been found yet.');
    });

    it('shows the error panel on failure', async () => {
        const element = render();
        getDataMap.error();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel').friendlyMessage).toBe('The data map could not be loaded');
    });

    it('is accessible', async () => {
        const element = render();
        getDataMap.emit(ENTRIES);
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
