import { createElement } from 'lwc';
import VerdictRecord from 'c/verdictRecord';
import getVerdict from '@salesforce/apex/VerdictController.getVerdict';

const mockDetail = require('./data/verdict.json');

jest.mock(
    '@salesforce/apex/VerdictController.getVerdict',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);

const flushPromises = () => Promise.resolve();

async function renderWithDetail(detail = mockDetail) {
    const element = createElement('c-verdict-record', { is: VerdictRecord });
    element.recordId = 'a01000000000001AAA';
    document.body.appendChild(element);
    getVerdict.emit(detail);
    await flushPromises();
    return element;
}

describe('c-verdict-record', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('asks for the verdict of the record page', async () => {
        await renderWithDetail();
        expect(getVerdict.getLastConfig()).toEqual({ verdictId: 'a01000000000001AAA' });
    });

    it('shows the headline facts and the false-positive reason', async () => {
        const element = await renderWithDetail();
        expect(element.shadowRoot.querySelector('h1').textContent).toBe('LV-000001Critical');
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('Mass delete of 2,000 contacts, 31x the usual volume');
        const facts = Object.fromEntries(
            Array.from(element.shadowRoot.querySelectorAll('.facts > div')).filter((fact) => fact.querySelector('dd').textContent).map((fact) => [
                fact.querySelector('dt').textContent,
                fact.querySelector('dd').textContent
            ])
        );
        expect(facts).toMatchObject({ Records: '2000', Actor: 'shop-sync@acme.example (integration)', 'Anomaly (z-score)': '6.4' });
        expect(element.shadowRoot.querySelector('.occurred-at lightning-formatted-date-time').value).toBe('2026-11-23T07:59:00.000Z');
        expect(element.shadowRoot.querySelector('.detected-at lightning-formatted-date-time').value).toBe('2026-11-23T08:00:00.000Z');
        expect(element.shadowRoot.querySelector('.false-positive p').textContent).toBe('Yearly cleanup agreed with sales ops');
    });

    it('lists the reasons, heaviest first', async () => {
        const element = await renderWithDetail();
        expect(Array.from(element.shadowRoot.querySelectorAll('.reasons li')).map((li) => li.textContent)).toEqual([
            '31x the usual volume+55',
            'Outside working hours+10'
        ]);
    });

    it('shows masked findings only', async () => {
        const element = await renderWithDetail();
        const table = element.shadowRoot.querySelector('lightning-datatable');
        expect(table.data).toEqual(mockDetail.findings);
        expect(table.columns.map((column) => column.fieldName)).toContain('MaskedSample__c');
        expect(table.columns.map((column) => column.fieldName)).not.toContain('ValueHash__c');
    });

    it('shows the event details and processing notes', async () => {
        const element = await renderWithDetail();
        const details = Array.from(element.shadowRoot.querySelectorAll('.details > div')).map((row) => row.textContent);
        expect(details).toEqual(['batchCount10', 'sourceIp203.0.113.•••', 'client{"name":"Data Loader"}']);
        expect(element.shadowRoot.textContent).toContain('Description truncated from 40 KB to 32 KB');
    });

    it('says when the event carried no personal data, reasons or details', async () => {
        const element = await renderWithDetail({
            verdict: { ...mockDetail.verdict, Reasons__c: null, Details__c: 'not json', FalsePositiveReason__c: null },
            findings: []
        });
        expect(element.shadowRoot.querySelector('.no-findings').textContent).toBe('No personal data was found in this event.');
        expect(element.shadowRoot.textContent).toContain('No reasons recorded.');
        expect(element.shadowRoot.textContent).toContain('No event details.');
        expect(element.shadowRoot.querySelector('.false-positive')).toBeNull();
    });

    it('shows the error panel when the verdict cannot be read', async () => {
        const element = createElement('c-verdict-record', { is: VerdictRecord });
        element.recordId = 'a01000000000009AAA';
        document.body.appendChild(element);
        getVerdict.error({ message: 'This verdict does not exist or you cannot see it.' });
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel').friendlyMessage).toBe('This verdict could not be loaded');
    });

    it('is accessible', async () => {
        const element = await renderWithDetail();
        await expect(element).toBeAccessible();
    });
});
