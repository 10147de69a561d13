import { createElement } from 'lwc';
import VerdictList from 'c/verdictList';
import { mockNavigate } from 'lightning/navigation';
import getVerdicts from '@salesforce/apex/VerdictController.getVerdicts';
import acknowledge from '@salesforce/apex/VerdictController.acknowledge';
import markFalsePositive from '@salesforce/apex/VerdictController.markFalsePositive';
import escalate from '@salesforce/apex/VerdictController.escalate';

const mockVerdicts = require('./data/verdicts.json');

jest.mock(
    '@salesforce/apex/VerdictController.getVerdicts',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('lightning/navigation', () => {
    const Navigate = Symbol('Navigate');
    const navigate = jest.fn();
    const NavigationMixin = (Base) =>
        class extends Base {
            [Navigate](pageReference) {
                navigate(pageReference);
            }
        };
    NavigationMixin.Navigate = Navigate;
    return { NavigationMixin, mockNavigate: navigate };
});
jest.mock('@salesforce/apex/VerdictController.acknowledge', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/VerdictController.markFalsePositive', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/VerdictController.escalate', () => ({ default: jest.fn() }), { virtual: true });

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function renderWithVerdicts(verdicts = mockVerdicts) {
    const element = createElement('c-verdict-list', { is: VerdictList });
    document.body.appendChild(element);
    getVerdicts.emit(verdicts);
    await flushPromises();
    return element;
}

function rowAction(element, name, row = mockVerdicts[0]) {
    element.shadowRoot
        .querySelector('lightning-datatable')
        .dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name }, row } }));
}

function captureToasts(element) {
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    return toasts;
}

describe('c-verdict-list', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('asks for new verdicts, newest first, by default', async () => {
        await renderWithVerdicts();
        expect(getVerdicts.getLastConfig()).toEqual({
            severity: '',
            status: 'New',
            searchTerm: '',
            sortBy: 'DetectedAt__c',
            sortDirection: 'desc'
        });
    });

    it('shows the verdicts in a sortable table', async () => {
        const element = await renderWithVerdicts();
        const table = element.shadowRoot.querySelector('lightning-datatable');
        expect(table.data).toEqual(mockVerdicts);
        expect(table.columns.filter((column) => column.sortable).map((column) => column.fieldName)).toEqual([
            'Name',
            'Severity__c',
            'RiskScore__c',
            'Status__c',
            'ActorUsername__c',
            'ObjectName__c',
            'RecordCount__c',
            'DetectedAt__c'
        ]);
    });

    it('filters by severity and status and sorts on request', async () => {
        const element = await renderWithVerdicts();
        element.shadowRoot.querySelector('.filter-severity').dispatchEvent(new CustomEvent('change', { detail: { value: 'Critical' } }));
        element.shadowRoot.querySelector('.filter-status').dispatchEvent(new CustomEvent('change', { detail: { value: '' } }));
        element.shadowRoot
            .querySelector('lightning-datatable')
            .dispatchEvent(new CustomEvent('sort', { detail: { fieldName: 'RiskScore__c', sortDirection: 'asc' } }));
        await flushPromises();
        expect(getVerdicts.getLastConfig()).toMatchObject({
            severity: 'Critical',
            status: '',
            sortBy: 'RiskScore__c',
            sortDirection: 'asc'
        });
    });

    it('searches by actor or object after the user stops typing', async () => {
        jest.useFakeTimers();
        const element = createElement('c-verdict-list', { is: VerdictList });
        document.body.appendChild(element);
        getVerdicts.emit(mockVerdicts);
        await Promise.resolve();
        const search = element.shadowRoot.querySelector('.filter-search');
        search.value = 'shop';
        search.dispatchEvent(new CustomEvent('change'));
        jest.advanceTimersByTime(300);
        jest.useRealTimers();
        await flushPromises();
        expect(getVerdicts.getLastConfig().searchTerm).toBe('shop');
    });

    it('acknowledges a verdict from its row action', async () => {
        acknowledge.mockResolvedValue(1);
        const element = await renderWithVerdicts();
        const toasts = captureToasts(element);
        rowAction(element, 'acknowledge');
        await flushPromises();
        expect(acknowledge).toHaveBeenCalledWith({ verdictIds: ['a01000000000001AAA'] });
        expect(toasts).toEqual([expect.objectContaining({ variant: 'success', message: '1 verdict(s) acknowledged.' })]);
    });

    it('requires a reason before closing a false positive, then sends it', async () => {
        markFalsePositive.mockResolvedValue(3);
        const element = await renderWithVerdicts();
        const toasts = captureToasts(element);
        rowAction(element, 'falsePositive');
        await flushPromises();
        const confirm = element.shadowRoot.querySelector('.action-confirm');
        expect(element.shadowRoot.querySelector('.action-dialog h2').textContent).toBe('Mark LV-000001 as a false positive');
        expect(confirm.disabled).toBe(true);
        const reason = element.shadowRoot.querySelector('.action-text');
        reason.value = '  Yearly cleanup agreed with sales ops  ';
        reason.dispatchEvent(new CustomEvent('change'));
        await flushPromises();
        expect(confirm.disabled).toBe(false);
        confirm.click();
        await flushPromises();
        expect(markFalsePositive).toHaveBeenCalledWith({
            verdictId: 'a01000000000001AAA',
            reason: 'Yearly cleanup agreed with sales ops'
        });
        expect(toasts[0].message).toBe('3 verdict(s) closed as false positive.');
        expect(element.shadowRoot.querySelector('.action-dialog')).toBeNull();
    });

    it('escalates selected verdicts to an incident with a suggested title', async () => {
        escalate.mockResolvedValue('a03000000000001AAA');
        const element = await renderWithVerdicts();
        element.shadowRoot
            .querySelector('lightning-datatable')
            .dispatchEvent(new CustomEvent('rowselection', { detail: { selectedRows: mockVerdicts } }));
        await flushPromises();
        element.shadowRoot.querySelectorAll('lightning-button-group lightning-button')[1].click();
        await flushPromises();
        const title = element.shadowRoot.querySelector('.action-text');
        expect(title.value).toBe('Critical leak: Mass delete of 2,000 contacts, 31x the usual volume');
        element.shadowRoot.querySelector('.action-confirm').click();
        await flushPromises();
        expect(escalate).toHaveBeenCalledWith({
            verdictIds: ['a01000000000001AAA', 'a01000000000002AAA'],
            title: 'Critical leak: Mass delete of 2,000 contacts, 31x the usual volume'
        });
    });

    it('keeps the dialog open and shows the server message when an action fails', async () => {
        escalate.mockRejectedValue({ body: { message: 'Give the incident a title.' } });
        const element = await renderWithVerdicts();
        const toasts = captureToasts(element);
        rowAction(element, 'escalate');
        await flushPromises();
        element.shadowRoot.querySelector('.action-confirm').click();
        await flushPromises();
        expect(toasts).toEqual([expect.objectContaining({ variant: 'error', message: 'Give the incident a title.' })]);
        expect(element.shadowRoot.querySelector('.action-dialog')).not.toBeNull();
    });

    it('shows which incident holds a verdict that was already escalated, and keeps the dialog open', async () => {
        const message =
            'LV-000001 already belongs to incident "Customer data export". Nothing was escalated: leave verdicts that are already in an incident out of the selection.';
        escalate.mockRejectedValue({ body: { message } });
        const element = await renderWithVerdicts();
        const toasts = captureToasts(element);
        rowAction(element, 'escalate', { ...mockVerdicts[0], Status__c: 'Escalated', Incident__c: 'a03000000000001AAA' });
        await flushPromises();
        element.shadowRoot.querySelector('.action-confirm').click();
        await flushPromises();
        expect(escalate).toHaveBeenCalledTimes(1);
        expect(toasts).toEqual([expect.objectContaining({ variant: 'error', message })]);
        expect(element.shadowRoot.querySelector('.action-dialog h2').textContent).toBe('Escalate LV-000001 to an incident');
    });

    it('opens the verdict record page', async () => {
        const element = await renderWithVerdicts();
        rowAction(element, 'view', mockVerdicts[1]);
        expect(mockNavigate).toHaveBeenCalledWith({
            type: 'standard__recordPage',
            attributes: { recordId: 'a01000000000002AAA', actionName: 'view' }
        });
    });

    it('says when no verdicts match', async () => {
        const element = await renderWithVerdicts([]);
        expect(element.shadowRoot.querySelector('lightning-datatable')).toBeNull();
        expect(element.shadowRoot.querySelector('.empty-state').textContent).toBe('No verdicts match these filters.');
    });

    it('shows the error panel when the list fails', async () => {
        const element = createElement('c-verdict-list', { is: VerdictList });
        document.body.appendChild(element);
        getVerdicts.error({ message: 'No access' });
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();
    });

    it('is accessible', async () => {
        const element = await renderWithVerdicts();
        await expect(element).toBeAccessible();
    });
});
