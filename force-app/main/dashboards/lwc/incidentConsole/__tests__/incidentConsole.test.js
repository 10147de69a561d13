import { createElement } from 'lwc';
import IncidentConsole from 'c/incidentConsole';
import getIncidents from '@salesforce/apex/IncidentController.getIncidents';
import recordMilestone from '@salesforce/apex/IncidentController.recordMilestone';
import getIncidentVerdicts from '@salesforce/apex/IncidentController.getIncidentVerdicts';
import mergeIncidents from '@salesforce/apex/IncidentController.mergeIncidents';
import splitIncident from '@salesforce/apex/IncidentController.splitIncident';

const mockIncidents = require('./data/incidents.json');
const mockMergedIncident = require('./data/mergedIncident.json');
const mockVerdicts = require('./data/verdicts.json');

jest.mock(
    '@salesforce/apex/IncidentController.getIncidents',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/IncidentController.recordMilestone', () => ({ default: jest.fn() }), { virtual: true });
jest.mock(
    '@salesforce/apex/IncidentController.getIncidentVerdicts',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
// The containment section (c-containment-actions) wires its own Apex; its tests are its own.
jest.mock(
    '@salesforce/apex/ContainmentController.getActions',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/IncidentController.mergeIncidents', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/IncidentController.splitIncident', () => ({ default: jest.fn() }), { virtual: true });

const NOW = new Date('2026-11-21T12:00:00.000Z').getTime();
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function renderWithIncidents(incidents = mockIncidents) {
    const element = createElement('c-incident-console', { is: IncidentConsole });
    document.body.appendChild(element);
    getIncidents.emit(incidents);
    await flushPromises();
    return element;
}

async function select(element, name) {
    const button = Array.from(element.shadowRoot.querySelectorAll('button.select-incident')).find((candidate) => candidate.textContent === name);
    button.click();
    await flushPromises();
}

const detail = (element) => element.shadowRoot.querySelector('section.incident');

/** Each clock as the user reads it: name, state badge, time left, deadline, progress. */
function clocks(element) {
    return Array.from(detail(element).querySelectorAll('.clock')).map((clock) => ({
        name: clock.querySelector('.clock-name').textContent,
        state: clock.dataset.state,
        badge: clock.querySelector('.slds-badge').textContent,
        badgeClass: clock.querySelector('.slds-badge').className,
        left: clock.querySelector('.time-left').textContent,
        due: clock.querySelector('.due lightning-formatted-date-time')?.value ?? null,
        progress: clock.querySelector('[role="progressbar"]').getAttribute('aria-valuenow')
    }));
}

function milestoneButtons(element) {
    return Array.from(detail(element).querySelectorAll('.milestones lightning-button'));
}

async function click(element, selector) {
    detail(element).querySelector(selector).click();
    await flushPromises();
}

async function check(element, selector, label) {
    const box = Array.from(detail(element).querySelectorAll(selector)).find((candidate) => candidate.label.startsWith(label));
    box.checked = true;
    box.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

function toastsOf(element) {
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    return toasts;
}

async function openSplit(element, verdicts = mockVerdicts) {
    await click(element, 'lightning-button.split-open');
    getIncidentVerdicts.emit(verdicts);
    await flushPromises();
}

describe('c-incident-console', () => {
    beforeEach(() => {
        jest.spyOn(Date, 'now').mockReturnValue(NOW);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.restoreAllMocks();
        jest.clearAllMocks();
    });

    it('lists the incidents and shows the first one selected', async () => {
        const element = await renderWithIncidents();
        const items = Array.from(element.shadowRoot.querySelectorAll('button.select-incident'));
        expect(items.map((item) => item.textContent)).toEqual(['Mass export of customer contacts', 'Old closed incident', 'Escalated by hand']);
        expect(items.map((item) => item.getAttribute('aria-current'))).toEqual(['true', 'false', 'false']);
        expect(detail(element).querySelector('h2').textContent).toBe('Mass export of customer contacts');
    });

    it('shows the containment of the incident selected', async () => {
        const element = await renderWithIncidents();
        expect(detail(element).querySelector('c-containment-actions').incidentId).toBe('a03000000000001AAA');
        await select(element, 'Old closed incident');
        expect(detail(element).querySelector('c-containment-actions').incidentId).toBe('a03000000000002AAA');
    });

    it("shows the sidecar's four clocks with their deadline, time left, progress and state", async () => {
        const element = await renderWithIncidents();
        expect(clocks(element)).toEqual([
            {
                name: 'GDPR Art. 33: notify the supervisory authority (72 h)',
                state: 'running',
                badge: 'Running',
                badgeClass: 'slds-badge slds-theme_info',
                left: '46 h 0 min left',
                due: '2026-11-23T10:00:00.000Z',
                progress: '36'
            },
            {
                name: 'NIS2 early warning (24 h)',
                state: 'overdue',
                badge: 'Overdue',
                badgeClass: 'slds-badge slds-theme_error',
                left: 'Overdue by 2 h 0 min',
                due: '2026-11-21T10:00:00.000Z',
                progress: '100'
            },
            {
                name: 'NIS2 incident notification (72 h)',
                state: 'running',
                badge: 'Running',
                badgeClass: 'slds-badge slds-theme_info',
                left: '46 h 0 min left',
                due: '2026-11-23T10:00:00.000Z',
                progress: '36'
            },
            {
                name: 'NIS2 final report (1 month after the notification deadline)',
                state: 'running',
                badge: 'Running',
                badgeClass: 'slds-badge slds-theme_info',
                left: '31 d 22 h left',
                due: '2026-12-23T10:00:00.000Z',
                progress: '3'
            }
        ]);
    });

    it('shows awareness and its basis', async () => {
        const element = await renderWithIncidents();
        const awareness = detail(element).querySelector('.awareness');
        expect(awareness.querySelector('lightning-formatted-date-time').value).toBe('2026-11-20T10:00:00.000Z');
        expect(awareness.querySelector('.basis').textContent).toBe('Basis: Detection');
        expect(awareness.querySelector('.note')).toBeNull();
        await select(element, 'Old closed incident');
        expect(detail(element).querySelector('.awareness .basis').textContent).toBe('Basis: DPO confirmation');
    });

    it("merges the sidecar's timeline and the recorded milestones, oldest first", async () => {
        const element = await renderWithIncidents();
        const entries = Array.from(detail(element).querySelectorAll('.timeline li')).map((li) => [
            li.querySelector('lightning-formatted-date-time').value,
            li.querySelector('.what').textContent,
            li.querySelector('.who').textContent
        ]);
        expect(entries).toEqual([
            ['2026-11-20T09:55:00.000Z', 'Critical verdict: Bulk export at night', 'a•••@•••.example (Leakwatch)'],
            ['2026-11-20T10:00:00.000Z', 'Incident opened by Leakwatch from its first verdict', 'Leakwatch (Leakwatch)'],
            ['2026-11-20T16:00:00.000Z', 'Breach confirmed', 'Dana DPO (Recorded in the console)']
        ]);
    });

    it('shows data categories and estimated subjects', async () => {
        const element = await renderWithIncidents();
        expect(Array.from(detail(element).querySelectorAll('.categories .slds-badge')).map((badge) => badge.textContent)).toEqual([
            'EMAIL_ADDRESS',
            'PHONE_NUMBER',
            'IBAN_CODE'
        ]);
        expect(detail(element).querySelector('.subjects lightning-formatted-number').value).toBe(15000);
    });

    it('offers a button for every milestone not yet recorded', async () => {
        const element = await renderWithIncidents();
        expect(milestoneButtons(element).map((button) => button.dataset.milestone)).toEqual([
            'earlyWarning',
            'nis2Notification',
            'notifyAuthority',
            'finalReport',
            'contain',
            'close'
        ]);
    });

    it('shows met clocks and no buttons once every milestone is recorded', async () => {
        const element = await renderWithIncidents();
        await select(element, 'Old closed incident');
        expect(clocks(element).map((clock) => [clock.badge, clock.left])).toEqual([
            ['Met', 'Done in time'],
            ['Met', 'Done in time'],
            ['Met late', 'Done 22 h 0 min late'],
            ['Met', 'Done in time']
        ]);
        expect(milestoneButtons(element)).toEqual([]);
        expect(detail(element).querySelector('.all-recorded').textContent).toBe('Every milestone is recorded.');
        expect(Array.from(detail(element).querySelectorAll('.timeline .what')).map((what) => what.textContent)).toEqual(['Incident contained', 'Incident closed']);
    });

    it('counts an incident opened by hand from detection, and the GDPR clock from confirmation', async () => {
        const element = await renderWithIncidents();
        await select(element, 'Escalated by hand');
        expect(clocks(element).map((clock) => [clock.state, clock.left, clock.due])).toEqual([
            ['notStarted', 'Starts when the breach is confirmed', null],
            ['past50', '12 h 0 min left', '2026-11-22T00:00:00.000Z'],
            ['running', '60 h 0 min left', '2026-11-24T00:00:00.000Z'],
            ['running', '32 d 12 h left', '2026-12-24T00:00:00.000Z']
        ]);
        expect(clocks(element)[1].badgeClass).toBe('slds-badge slds-theme_warning');
        expect(detail(element).querySelector('.awareness .note').textContent).toContain('Opened by hand');
    });

    it('records a milestone for the selected incident and reloads it', async () => {
        recordMilestone.mockResolvedValue();
        const element = await renderWithIncidents();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        milestoneButtons(element)
            .find((button) => button.dataset.milestone === 'nis2Notification')
            .click();
        await flushPromises();
        expect(recordMilestone).toHaveBeenCalledWith({ incidentId: 'a03000000000001AAA', milestone: 'nis2Notification' });
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'NIS2 notification sent' });
        expect(detail(element).querySelector('.milestone-error')).toBeNull();
    });

    it('shows why a milestone was not recorded', async () => {
        const refusal = { body: { message: 'Already recorded: Incident contained. The first record stands and is not overwritten.' } };
        recordMilestone.mockRejectedValue(refusal);
        const element = await renderWithIncidents();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        milestoneButtons(element)
            .find((button) => button.dataset.milestone === 'contain')
            .click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'error', message: refusal.body.message });
        const panel = detail(element).querySelector('c-error-panel.milestone-error');
        expect(panel.errors).toEqual(refusal);
        expect(panel.friendlyMessage).toBe('The milestone was not recorded');
        expect(milestoneButtons(element).every((button) => !button.disabled)).toBe(true);
    });

    it('offers the other open incidents to merge into the selected one, and merges the ones checked', async () => {
        mergeIncidents.mockResolvedValue();
        const element = await renderWithIncidents([...mockIncidents, mockMergedIncident]);
        const toasts = toastsOf(element);
        await click(element, 'lightning-button.merge-open');
        const panel = detail(element).querySelector('fieldset.merge-panel');
        expect(panel.querySelector('legend').textContent).toBe('Merge these incidents into Mass export of customer contacts');
        // Closed and merged incidents are finished: only open ones can be merged in.
        expect(Array.from(panel.querySelectorAll('lightning-input.merge-candidate')).map((box) => box.label)).toEqual(['Escalated by hand (High, Triage)']);
        expect(panel.querySelector('lightning-button.merge-confirm').disabled).toBe(true);

        await check(element, 'lightning-input.merge-candidate', 'Escalated by hand');
        expect(detail(element).querySelector('lightning-button.merge-confirm').disabled).toBe(false);
        await click(element, 'lightning-button.merge-confirm');

        expect(mergeIncidents).toHaveBeenCalledWith({ survivorId: 'a03000000000001AAA', otherIds: ['a03000000000003AAA'] });
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'Merged. Leakwatch updates the incidents in a moment.' });
        expect(detail(element).querySelector('fieldset.merge-panel')).toBeNull();
        expect(detail(element).querySelector('.change-error')).toBeNull();
    });

    it("shows inline and as a toast why the sidecar refused a merge, and keeps the selection", async () => {
        const refusal = { body: { message: 'Incident "Escalated by hand" was already merged into "Mass export of customer contacts".' } };
        mergeIncidents.mockRejectedValue(refusal);
        const element = await renderWithIncidents();
        const toasts = toastsOf(element);
        await click(element, 'lightning-button.merge-open');
        await check(element, 'lightning-input.merge-candidate', 'Escalated by hand');
        await click(element, 'lightning-button.merge-confirm');

        expect(toasts[0]).toMatchObject({ variant: 'error', title: 'Not merged', message: refusal.body.message });
        const panel = detail(element).querySelector('c-error-panel.change-error');
        expect(panel.errors).toEqual(refusal);
        expect(panel.friendlyMessage).toBe('The incidents were not changed');
        expect(detail(element).querySelector('lightning-input.merge-candidate').checked).toBe(true);
        expect(detail(element).querySelector('lightning-button.merge-confirm').disabled).toBe(false);
    });

    it('says when no other open incident can be merged', async () => {
        const element = await renderWithIncidents([mockIncidents[0], mockIncidents[1]]);
        await click(element, 'lightning-button.merge-open');
        expect(detail(element).querySelector('.no-candidates').textContent).toBe('No other open incident to merge.');
        expect(detail(element).querySelector('lightning-button.merge-confirm').disabled).toBe(true);
    });

    it("lists the incident's verdicts to split, and splits neither none nor all of them", async () => {
        const element = await renderWithIncidents();
        await openSplit(element);
        expect(getIncidentVerdicts.getLastConfig()).toEqual({ incidentId: 'a03000000000001AAA' });
        const boxes = Array.from(detail(element).querySelectorAll('lightning-input.split-verdict'));
        expect(boxes.map((box) => box.label)).toEqual([
            'LV-000002 (Critical): Bulk export at night',
            'LV-000005 (High): Report export of 4,000 contacts',
            'LV-000007 (High): API pull of Leads'
        ]);
        const confirm = () => detail(element).querySelector('lightning-button.split-confirm');
        expect(confirm().disabled).toBe(true);
        await check(element, 'lightning-input.split-verdict', 'LV-000005');
        expect(confirm().disabled).toBe(false);
        await check(element, 'lightning-input.split-verdict', 'LV-000002');
        await check(element, 'lightning-input.split-verdict', 'LV-000007');
        expect(confirm().disabled).toBe(true);
    });

    it('splits the checked verdicts into a new incident and says so', async () => {
        splitIncident.mockResolvedValue({ key: '10000000-0000-4000-8000-000000000099', title: 'Report export of contacts', revision: 1 });
        const element = await renderWithIncidents();
        const toasts = toastsOf(element);
        await openSplit(element);
        await check(element, 'lightning-input.split-verdict', 'LV-000005');
        await click(element, 'lightning-button.split-confirm');

        expect(splitIncident).toHaveBeenCalledWith({ incidentId: 'a03000000000001AAA', verdictIds: ['a01000000000002AAA'] });
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'Split out as "Report export of contacts". Leakwatch updates the incidents in a moment.' });
        expect(detail(element).querySelector('fieldset.split-panel')).toBeNull();
    });

    it('shows why a split was refused', async () => {
        const refusal = { body: { message: 'Only incidents Leakwatch opened can be merged or split. "Escalated by hand" was escalated by hand, so the sidecar does not know it.' } };
        splitIncident.mockRejectedValue(refusal);
        const element = await renderWithIncidents();
        const toasts = toastsOf(element);
        await select(element, 'Escalated by hand');
        await openSplit(element, mockVerdicts.slice(0, 2));
        await check(element, 'lightning-input.split-verdict', 'LV-000002');
        await click(element, 'lightning-button.split-confirm');

        expect(toasts[0]).toMatchObject({ variant: 'error', title: 'Not split', message: refusal.body.message });
        expect(detail(element).querySelector('c-error-panel.change-error').errors).toEqual(refusal);
        expect(detail(element).querySelector('fieldset.split-panel')).not.toBeNull();
    });

    it('says when the verdicts to split could not be loaded', async () => {
        const element = await renderWithIncidents();
        await click(element, 'lightning-button.split-open');
        getIncidentVerdicts.error();
        await flushPromises();
        expect(detail(element).querySelector('fieldset.split-panel c-error-panel').friendlyMessage).toBe('The verdicts could not be loaded');
        expect(detail(element).querySelector('lightning-button.split-confirm').disabled).toBe(true);
    });

    it('closes the panel when another incident is selected or on cancel', async () => {
        const element = await renderWithIncidents();
        await click(element, 'lightning-button.merge-open');
        await click(element, 'lightning-button.change-cancel');
        expect(detail(element).querySelector('fieldset.merge-panel')).toBeNull();
        await openSplit(element);
        await select(element, 'Escalated by hand');
        expect(detail(element).querySelector('fieldset.split-panel')).toBeNull();
    });

    it('shows a merged incident with a link to the survivor and no milestone, merge or split action', async () => {
        const element = await renderWithIncidents([...mockIncidents, mockMergedIncident]);
        await select(element, 'Duplicate of the contact export');
        const note = detail(element).querySelector('.merged-into');
        expect(note.textContent).toBe('Merged into Mass export of customer contacts. Its verdicts, clocks and milestones are recorded there.');
        const link = note.querySelector('a.survivor');
        expect(link.textContent).toBe('Mass export of customer contacts');
        expect(link.getAttribute('href')).toBe('/lightning/r/a03000000000001AAA/view');
        expect(milestoneButtons(element)).toEqual([]);
        expect(detail(element).querySelector('.all-recorded')).toBeNull();
        expect(detail(element).querySelector('lightning-button.merge-open')).toBeNull();
        expect(detail(element).querySelector('lightning-button.split-open')).toBeNull();

        link.click();
        await flushPromises();
        expect(detail(element).querySelector('h2').textContent).toBe('Mass export of customer contacts');
    });

    it('is accessible with the merge and split panels open', async () => {
        const element = await renderWithIncidents();
        await click(element, 'lightning-button.merge-open');
        await expect(element).toBeAccessible();
        await openSplit(element);
        await expect(element).toBeAccessible();
    });

    it('says when there are no incidents', async () => {
        const element = await renderWithIncidents([]);
        expect(element.shadowRoot.querySelector('.empty-state').textContent).toBe('No incidents. Escalate a verdict to open one.');
    });

    it('shows the error panel when incidents fail to load', async () => {
        const element = createElement('c-incident-console', { is: IncidentConsole });
        document.body.appendChild(element);
        getIncidents.error();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();
    });

    it('is accessible', async () => {
        const element = await renderWithIncidents();
        await expect(element).toBeAccessible();
    });
});
