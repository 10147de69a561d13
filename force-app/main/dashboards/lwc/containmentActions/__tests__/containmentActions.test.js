import { createElement } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import { refreshApex } from '@salesforce/apex';
import ContainmentActions, { formatDuration } from 'c/containmentActions';
import getActions from '@salesforce/apex/ContainmentController.getActions';
import decide from '@salesforce/apex/ContainmentController.decide';
import undo from '@salesforce/apex/ContainmentController.undo';

const mockContainment = require('./data/containment.json');

jest.mock(
    '@salesforce/apex/ContainmentController.getActions',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/ContainmentController.decide', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ContainmentController.undo', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('lightning/confirm', () => ({ __esModule: true, default: { open: jest.fn() } }));
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

const INCIDENT_ID = 'a0B000000000001AAA';
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function render(containment = mockContainment) {
    const element = createElement('c-containment-actions', { is: ContainmentActions });
    element.incidentId = INCIDENT_ID;
    document.body.appendChild(element);
    getActions.emit(containment);
    await flushPromises();
    return element;
}

function rows(element) {
    return Array.from(element.shadowRoot.querySelectorAll('li.containment-action'));
}

function row(element, id) {
    return element.shadowRoot.querySelector(`li.containment-action[data-id="${id}"]`);
}

function toastsOf(element) {
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    return toasts;
}

async function click(element, id, selector) {
    row(element, id).querySelector(selector).click();
    await flushPromises();
}

describe('c-containment-actions', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it("asks for the incident's containment", async () => {
        await render();
        expect(getActions.getLastConfig()).toEqual({ incidentId: INCIDENT_ID });
    });

    it('shows the time to containment and when it was contained', async () => {
        const element = await render();
        expect(element.shadowRoot.querySelector('.ttc').textContent).toBe('1 min 30 s');
        expect(element.shadowRoot.querySelector('.contained-at').value).toBe('2026-11-21T09:01:30.000Z');
        expect(element.shadowRoot.querySelector('.not-contained')).toBeNull();
    });

    it('says when the incident is not contained yet, and when it has no action', async () => {
        const element = await render({ containedAt: null, timeToContainmentSeconds: null, mayDecide: true, actions: [] });
        expect(element.shadowRoot.querySelector('.not-contained').textContent).toBe('Not contained yet.');
        expect(element.shadowRoot.querySelector('.no-actions').textContent).toBe('No containment action for this incident.');
    });

    it('lists each action with its target, mode, status, outcome and who decided it', async () => {
        const element = await render();
        expect(
            rows(element).map((item) => ({
                heading: item.querySelector('.heading').textContent,
                mode: item.querySelector('.mode').textContent,
                status: item.querySelector('.status').textContent,
                statusClass: item.querySelector('.status').className,
                outcome: item.querySelector('.outcome')?.textContent ?? null,
                decidedBy: item.querySelector('.decided-by')?.textContent.trim() ?? null
            }))
        ).toEqual([
            { heading: 'Freeze User: j•••@•••.example', mode: 'Automatic', status: 'Done', statusClass: 'slds-badge slds-theme_success status', outcome: 'frozen', decidedBy: null },
            { heading: 'End Sessions: j•••@•••.example', mode: 'After Approval', status: 'Proposed', statusClass: 'slds-badge slds-theme_warning status', outcome: null, decidedBy: null },
            { heading: 'Revoke OAuth Tokens: r•••@•••.example', mode: 'After Approval', status: 'Approved', statusClass: 'slds-badge slds-theme_info status', outcome: null, decidedBy: 'Decided by Dana Reviewer' },
            { heading: 'Freeze User: m•••@•••.example', mode: 'After Approval', status: 'Proposed', statusClass: 'slds-badge slds-theme_warning status', outcome: null, decidedBy: null }
        ]);
        expect(row(element, 'a0C000000000001AAA').querySelector('.done-after').textContent).toBe('Done 1 min 30 s after detection');
    });

    it('offers Approve and Decline on a proposed action, Undo on a done freeze, and says why not under four eyes', async () => {
        const element = await render();
        const buttons = (id) => Array.from(row(element, id).querySelectorAll('lightning-button')).map((button) => button.label);
        expect(buttons('a0C000000000001AAA')).toEqual(['Undo']);
        expect(buttons('a0C000000000002AAA')).toEqual(['Approve', 'Decline']);
        expect(buttons('a0C000000000003AAA')).toEqual([]);
        expect(buttons('a0C000000000004AAA')).toEqual([]);
        expect(row(element, 'a0C000000000004AAA').querySelector('.four-eyes').textContent).toBe(
            'Four eyes: this action targets you, so another reviewer must decide or undo it.'
        );
    });

    it('approves with the action id, says the sidecar carries it out, and reloads', async () => {
        decide.mockResolvedValue(undefined);
        const element = await render();
        const toasts = toastsOf(element);
        await click(element, 'a0C000000000002AAA', 'lightning-button.approve');
        expect(decide).toHaveBeenCalledWith({ actionId: 'a0C000000000002AAA', approve: true });
        expect(toasts).toEqual([expect.objectContaining({ variant: 'success', message: 'Approved. Leakwatch carries it out in a moment; refresh to see the outcome.' })]);
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('declines with approve false', async () => {
        decide.mockResolvedValue(undefined);
        const element = await render();
        await click(element, 'a0C000000000002AAA', 'lightning-button.decline');
        expect(decide).toHaveBeenCalledWith({ actionId: 'a0C000000000002AAA', approve: false });
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('undoes a done freeze only after the reviewer confirms', async () => {
        LightningConfirm.open.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
        undo.mockResolvedValue(undefined);
        const element = await render();
        await click(element, 'a0C000000000001AAA', 'lightning-button.undo');
        expect(LightningConfirm.open).toHaveBeenCalledWith(expect.objectContaining({ label: 'Undo containment', message: expect.stringContaining('Undo "Freeze User" on j•••@•••.example?') }));
        expect(undo).not.toHaveBeenCalled();
        await click(element, 'a0C000000000001AAA', 'lightning-button.undo');
        expect(undo).toHaveBeenCalledWith({ actionId: 'a0C000000000001AAA' });
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('shows the refusal in the error panel, toasts it and reloads', async () => {
        decide.mockRejectedValue({ body: { message: 'Four eyes: you are an actor of this incident, so another reviewer must decide or undo its containment.' } });
        const element = await render();
        const toasts = toastsOf(element);
        await click(element, 'a0C000000000002AAA', 'lightning-button.approve');
        const panel = element.shadowRoot.querySelector('c-error-panel.action-error');
        expect(panel).not.toBeNull();
        expect(panel.friendlyMessage).toBe('The containment action was not changed');
        expect(toasts).toEqual([
            expect.objectContaining({ variant: 'error', message: 'Four eyes: you are an actor of this incident, so another reviewer must decide or undo its containment.' })
        ]);
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('shows the error panel when the containment cannot be loaded', async () => {
        const element = createElement('c-containment-actions', { is: ContainmentActions });
        element.incidentId = INCIDENT_ID;
        document.body.appendChild(element);
        getActions.error({ message: 'Insufficient access' });
        await flushPromises();
        const panel = element.shadowRoot.querySelector('c-error-panel.load-error');
        expect(panel.friendlyMessage).toBe('The containment could not be loaded');
        expect(rows(element)).toEqual([]);
    });

    it('is accessible', async () => {
        const element = await render();
        await expect(element).toBeAccessible();
    });

    it('reads durations as people do', () => {
        expect([0, 45, 90, 3600, 7512, 90000].map(formatDuration)).toEqual(['0 s', '45 s', '1 min 30 s', '1 h', '2 h 5 min', '1 d 1 h']);
    });
});
