import { createElement } from 'lwc';
import DataMap from 'c/dataMap';
import { refreshApex } from '@salesforce/apex';
import getDataMap from '@salesforce/apex/DataMapController.getDataMap';
import getClassificationSuggestions from '@salesforce/apex/DataMapController.getClassificationSuggestions';
import reviewClassification from '@salesforce/apex/DataMapController.reviewClassification';

const ENTRIES = require('./data/dataMap.json');
const SUGGESTIONS = require('./data/suggestions.json');

jest.mock(
    '@salesforce/apex/DataMapController.getDataMap',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/DataMapController.getClassificationSuggestions',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/DataMapController.reviewClassification', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function render(entries = ENTRIES, suggestions = SUGGESTIONS) {
    const element = createElement('c-data-map', { is: DataMap });
    document.body.appendChild(element);
    getDataMap.emit(entries);
    getClassificationSuggestions.emit(suggestions);
    await flushPromises();
    return element;
}

const visibleKeys = (element) => Array.from(element.shadowRoot.querySelectorAll('tr.field-row')).map((row) => row.dataset.key);
const flowKeys = (row) => Array.from(row.querySelectorAll('li.flow')).map((flow) => flow.dataset.key);
const fieldRow = (element, key) => element.shadowRoot.querySelector(`tr.field-row[data-key="${key}"]`);

async function check(element, selector, checked) {
    const input = element.shadowRoot.querySelector(selector);
    input.checked = checked;
    input.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

async function filterBy(element, text) {
    const input = element.shadowRoot.querySelector('lightning-input.filter-text');
    input.value = text;
    input.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

/** Captures what the component downloads: the Blob's content and type, and the link's file name. */
function captureDownloads() {
    const downloads = [];
    const OriginalBlob = global.Blob;
    global.Blob = class {
        constructor(parts, options) {
            this.content = parts.join('');
            this.type = options.type;
        }
    };
    URL.createObjectURL = jest.fn((blob) => {
        downloads.push({ content: blob.content, type: blob.type });
        return 'blob:leakwatch/1';
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function recordClick() {
        downloads[downloads.length - 1].name = this.download;
        downloads[downloads.length - 1].href = this.href;
    });
    return {
        downloads,
        restore: () => {
            global.Blob = OriginalBlob;
            click.mockRestore();
        }
    };
}

describe('c-data-map', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('lists each field with its personal data types and flags special categories', async () => {
        const element = await render();
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('3 fields on 2 objects hold personal data.');
        const rows = Array.from(element.shadowRoot.querySelectorAll('tr.field-row'));
        expect(rows.map((row) => [row.dataset.key, row.querySelector('.types').textContent, row.querySelector('.special').textContent])).toEqual([
            ['Case.Description', 'MEDICAL, PERSON', 'Yes: health data'],
            ['Contact.Email', 'EMAIL_ADDRESS', 'No'],
            ['Contact.Phone', 'PHONE_NUMBER', 'No']
        ]);
    });

    it('shows the flows under each field, with region, AI and policy warnings', async () => {
        const element = await render();
        const email = fieldRow(element, 'Contact.Email');
        expect(flowKeys(email)).toEqual(['flow-openai', 'flow-newsletter']);
        const openai = email.querySelector('li.flow[data-key="flow-openai"]');
        expect(openai.querySelector('.route').textContent).toBe('shop-middleware → api.openai.com');
        expect(openai.querySelector('.region').textContent).toBe('US');
        expect(openai.querySelector('.ai').textContent).toBe('AI');
        expect(Array.from(openai.querySelectorAll('.warning')).map((badge) => badge.textContent)).toEqual(['Outside allowed regions', 'Not allow-listed']);
        expect(openai.querySelector('.calls').textContent).toBe('1,200 calls/day');
        expect(openai.querySelector('.last-seen lightning-formatted-date-time').value).toBe('2026-11-23T08:10:00.000Z');
        expect(openai.querySelector('.policy').textContent).toBe('policy ai-services');

        const newsletter = email.querySelector('li.flow[data-key="flow-newsletter"]');
        expect(newsletter.querySelector('.region').textContent).toBe('Region unknown');
        expect(newsletter.querySelector('.ai')).toBeNull();
        expect(newsletter.querySelectorAll('.warning').length).toBe(0);
        expect(newsletter.querySelector('.calls')).toBeNull();
        expect(newsletter.querySelector('.policy')).toBeNull();

        expect(fieldRow(element, 'Contact.Phone').querySelector('.no-flow').textContent).toBe('No flow seen');
        expect(element.shadowRoot.querySelector('.flow-summary').textContent).toBe(
            '3 data flows carry them to 3 destinations: 1 to AI services, 1 outside the allowed regions.'
        );
    });

    it('filters by text over objects, fields, types, services and destinations', async () => {
        const element = await render();
        await filterBy(element, 'phone_number');
        expect(visibleKeys(element)).toEqual(['Contact.Phone']);

        await filterBy(element, 'OPENAI');
        expect(visibleKeys(element)).toEqual(['Contact.Email']);
        expect(flowKeys(fieldRow(element, 'Contact.Email'))).toEqual(['flow-openai']);
        expect(element.shadowRoot.querySelector('.filter-summary').textContent).toBe('Showing 1 of 3 fields.');

        await filterBy(element, 'helpdesk-sync');
        expect(visibleKeys(element)).toEqual(['Case.Description']);

        await filterBy(element, 'nothing like this');
        expect(visibleKeys(element)).toEqual([]);
        expect(element.shadowRoot.querySelector('.no-match').textContent).toBe('No field matches the filter.');
        expect(element.shadowRoot.querySelector('lightning-button.export-json').disabled).toBe(true);
    });

    it('narrows to AI destinations, flows outside the allowed regions and special categories', async () => {
        const element = await render();
        await check(element, 'lightning-input.ai-only', true);
        expect(visibleKeys(element)).toEqual(['Contact.Email']);
        expect(flowKeys(fieldRow(element, 'Contact.Email'))).toEqual(['flow-openai']);

        await check(element, 'lightning-input.ai-only', false);
        await check(element, 'lightning-input.outside-regions-only', true);
        expect(visibleKeys(element)).toEqual(['Contact.Email']);

        await check(element, 'lightning-input.outside-regions-only', false);
        await check(element, 'lightning-input.special-only', true);
        expect(visibleKeys(element)).toEqual(['Case.Description']);

        await check(element, 'lightning-input.ai-only', true);
        expect(visibleKeys(element)).toEqual([]);
    });

    it('exports the record of processing as JSON, one row per field, type and flow, under the filter', async () => {
        const capture = captureDownloads();
        try {
            const element = await render();
            element.shadowRoot.querySelector('lightning-button.export-json').click();
            await check(element, 'lightning-input.ai-only', true);
            element.shadowRoot.querySelector('lightning-button.export-json').click();

            expect(capture.downloads.map((download) => download.type)).toEqual(['application/json', 'application/json']);
            expect(capture.downloads[0].name).toMatch(/^leakwatch-record-of-processing-\d{4}-\d{2}-\d{2}\.json$/);
            expect(capture.downloads[0].href).toBe('blob:leakwatch/1');
            expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:leakwatch/1');

            const everything = JSON.parse(capture.downloads[0].content);
            expect(everything.rows.map((row) => [row.object, row.field, row.personalDataType, row.destination])).toEqual([
                ['Case', 'Description', 'MEDICAL', 'support.example-helpdesk.eu'],
                ['Case', 'Description', 'PERSON', 'support.example-helpdesk.eu'],
                ['Contact', 'Email', 'EMAIL_ADDRESS', 'api.openai.com'],
                ['Contact', 'Email', 'EMAIL_ADDRESS', 'newsletter.example.eu'],
                ['Contact', 'Phone', 'PHONE_NUMBER', null]
            ]);
            expect(everything.rows[0].specialCategory).toBe(true);

            const aiOnly = JSON.parse(capture.downloads[1].content);
            expect(aiOnly.filter).toEqual({ text: '', aiDestinationsOnly: true, outsideAllowedRegionsOnly: false, specialCategoriesOnly: false });
            expect(aiOnly.rows).toEqual([
                {
                    object: 'Contact',
                    field: 'Email',
                    personalDataType: 'EMAIL_ADDRESS',
                    specialCategory: false,
                    sourceService: 'shop-middleware',
                    destination: 'api.openai.com',
                    region: 'US',
                    aiService: true,
                    allowListed: false,
                    regionAllowed: false,
                    policy: 'ai-services',
                    callsPerDay: 1200,
                    calls30d: 14400,
                    firstSeen: '2026-11-10T09:00:00.000Z',
                    lastSeen: '2026-11-23T08:10:00.000Z'
                }
            ]);
            expect(Number.isNaN(Date.parse(aiOnly.generatedAt))).toBe(false);
        } finally {
            capture.restore();
        }
    });

    it('exports CSV as text/plain, which Lightning Web Security lets through, with formula-like cells defused', async () => {
        const capture = captureDownloads();
        try {
            const element = await render();
            await filterBy(element, 'Email');
            element.shadowRoot.querySelector('lightning-button.export-csv').click();

            const [download] = capture.downloads;
            expect(download.type).toBe('text/plain');
            expect(download.name).toMatch(/\.csv$/);
            const lines = download.content.split('\r\n');
            expect(lines[0]).toBe(
                'object,field,personalDataType,specialCategory,sourceService,destination,region,aiService,allowListed,regionAllowed,policy,callsPerDay,calls30d,firstSeen,lastSeen'
            );
            expect(lines[1]).toBe(
                'Contact,Email,EMAIL_ADDRESS,false,shop-middleware,api.openai.com,US,true,false,false,ai-services,1200,14400,2026-11-10T09:00:00.000Z,2026-11-23T08:10:00.000Z'
            );
            // A service name from telemetry that a spreadsheet would run as a formula.
            expect(lines[2]).toBe(
                'Contact,Email,EMAIL_ADDRESS,false,"\'=HYPERLINK(""https://evil.example"",""open"")",newsletter.example.eu,,false,true,true,,,30,2026-11-01T06:00:00.000Z,2026-11-01T06:00:00.000Z'
            );
            expect(lines.slice(3)).toEqual(['']);
        } finally {
            capture.restore();
        }
    });

    it('counts a single field in the singular', async () => {
        const element = await render([ENTRIES[2]]);
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('1 field on 1 object holds personal data.');
        expect(element.shadowRoot.querySelector('.flow-summary').textContent).toBe('No data flow carrying these fields has been seen yet.');
    });

    it('says when nothing has been found', async () => {
        const element = await render([], { canReview: false, suggestions: [] });
        expect(element.shadowRoot.querySelector('.empty-state').textContent).toBe('No personal data has been found yet.');
        expect(element.shadowRoot.querySelector('lightning-button.export-csv').disabled).toBe(true);
        expect(element.shadowRoot.querySelector('.no-suggestions')).not.toBeNull();
    });

    it('shows the error panel when the map or the suggestions fail to load', async () => {
        const element = createElement('c-data-map', { is: DataMap });
        document.body.appendChild(element);
        getDataMap.error();
        getClassificationSuggestions.error();
        await flushPromises();
        expect(Array.from(element.shadowRoot.querySelectorAll('c-error-panel')).map((panel) => panel.friendlyMessage)).toEqual([
            'The data map could not be loaded',
            'The classification suggestions could not be loaded'
        ]);
    });

    it('lists classification suggestions with current and suggested values, reasons and status', async () => {
        const element = await render();
        expect(element.shadowRoot.querySelector('.suggestion-summary').textContent).toBe(
            '2 suggestions await review. An admin applies approved ones in Setup, unless the sidecar is set to apply them.'
        );
        const rows = Array.from(element.shadowRoot.querySelectorAll('tr.suggestion'));
        expect(rows.map((row) => row.querySelector('.field-key').textContent)).toEqual(['Contact.Email', 'Case.Description', 'Contact.Phone']);
        const description = rows[1];
        expect(description.querySelector('.sensitivity .current').textContent).toBe('Internal');
        expect(description.querySelector('.sensitivity .suggested').textContent).toBe('Restricted');
        expect(description.querySelector('.compliance .current').textContent).toBe('PII');
        expect(description.querySelector('.compliance .suggested').textContent).toBe('GDPR, HIPAA, PII');
        expect(description.querySelector('.reason').textContent).toBe('MEDICAL found: health data, GDPR Art. 9');
        expect(description.querySelector('.status .slds-badge').textContent).toBe('Failed');
        expect(description.querySelector('.last-error').textContent).toBe('INSUFFICIENT_ACCESS: cannot update Case.Description');
        expect(rows[0].querySelector('.sensitivity .current').textContent).toBe('None');
        expect(rows[2].querySelector('.reviewed-by').textContent).toBe('by Dana Admin');
        expect(rows.map((row) => row.querySelectorAll('lightning-button').length)).toEqual([2, 2, 0]);
    });

    it('hides the decisions from users without the permission', async () => {
        const element = await render(ENTRIES, { ...SUGGESTIONS, canReview: false });
        expect(element.shadowRoot.querySelectorAll('tr.suggestion lightning-button').length).toBe(0);
        expect(element.shadowRoot.querySelector('.suggestion-summary').textContent).toBe(
            '2 suggestions await review by a Leakwatch admin (Review Leakwatch Data Classification).'
        );
    });

    it('approves a suggestion and refreshes the list', async () => {
        reviewClassification.mockResolvedValue();
        const element = await render();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        element.shadowRoot.querySelector('tr.suggestion[data-id="a05000000000001AAA"] lightning-button.approve').click();
        await flushPromises();
        expect(reviewClassification).toHaveBeenCalledWith({ suggestionId: 'a05000000000001AAA', decision: 'Approved' });
        expect(toasts[0]).toMatchObject({ variant: 'success', title: 'Classification approved' });
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('dismisses a suggestion that failed to apply', async () => {
        reviewClassification.mockResolvedValue();
        const element = await render();
        element.shadowRoot.querySelector('tr.suggestion[data-id="a05000000000002AAA"] lightning-button.dismiss').click();
        await flushPromises();
        expect(reviewClassification).toHaveBeenCalledWith({ suggestionId: 'a05000000000002AAA', decision: 'Dismissed' });
    });

    it('shows the server refusal and keeps the list as it was', async () => {
        reviewClassification.mockRejectedValue({ body: { message: 'The suggestion for Contact.Email is already Approved.' } });
        const element = await render();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        element.shadowRoot.querySelector('tr.suggestion[data-id="a05000000000001AAA"] lightning-button.approve').click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'error', message: 'The suggestion for Contact.Email is already Approved.' });
        expect(refreshApex).not.toHaveBeenCalled();
        expect(element.shadowRoot.querySelector('tr.suggestion[data-id="a05000000000001AAA"] lightning-button.approve').disabled).toBe(false);
    });

    it('is accessible', async () => {
        const element = await render();
        await expect(element).toBeAccessible();
    });
});
