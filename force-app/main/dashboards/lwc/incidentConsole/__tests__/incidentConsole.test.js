import { createElement } from 'lwc';
import IncidentConsole from 'c/incidentConsole';
import getIncidents from '@salesforce/apex/IncidentController.getIncidents';
import recordMilestone from '@salesforce/apex/IncidentController.recordMilestone';

const mockIncidents = require('./data/incidents.json');

jest.mock(
    '@salesforce/apex/IncidentController.getIncidents',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/IncidentController.recordMilestone', () => ({ default: jest.fn() }), { virtual: true });

const NOW = new Date('2026-11-21T12:00:00.000Z').getTime();
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function renderWithIncidents(incidents = mockIncidents) {
    const element = createElement('c-incident-console', { is: IncidentConsole });
    document.body.appendChild(element);
    getIncidents.emit(incidents);
    await flushPromises();
    return element;
}

function buttons(incident) {
    return Object.fromEntries(Array.from(incident.querySelectorAll('lightning-button')).map((button) => [button.dataset.milestone, button]));
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

    it('runs the NIS2 clock from detection and the GDPR clock from confirmation', async () => {
        const element = await renderWithIncidents();
        const clocks = element.shadowRoot.querySelectorAll('li.incident')[0].querySelectorAll('.clock');
        expect(clocks[0].querySelector('.slds-text-title').textContent).toBe('NIS2 early warning (24 h from detection)');
        expect(clocks[0].querySelector('.slds-badge').textContent).toBe('Overdue by 2 h 0 min');
        expect(clocks[0].querySelector('.slds-badge').className).toContain('slds-theme_error');
        expect(clocks[0].querySelector('lightning-formatted-date-time').value).toBe('2026-11-21T10:00:00.000Z');
        expect(clocks[1].querySelector('.slds-badge').textContent).toBe('52 h 0 min left');
        expect(clocks[1].querySelector('lightning-formatted-date-time').value).toBe('2026-11-23T16:00:00.000Z');
    });

    it('shows data categories, estimated subjects and the timeline in order', async () => {
        const element = await renderWithIncidents();
        const incident = element.shadowRoot.querySelector('li.incident');
        expect(Array.from(incident.querySelectorAll('.categories .slds-badge')).map((badge) => badge.textContent)).toEqual([
            'EMAIL_ADDRESS',
            'PHONE_NUMBER',
            'IBAN_CODE'
        ]);
        expect(incident.querySelector('.subjects lightning-formatted-number').value).toBe(15000);
        expect(Array.from(incident.querySelectorAll('.timeline li')).map((li) => li.textContent)).toEqual([
            'Leak detectedLeakwatch',
            'Breach confirmedDana DPO'
        ]);
    });

    it('offers only the milestones still open', async () => {
        const element = await renderWithIncidents();
        const [open, closed] = element.shadowRoot.querySelectorAll('li.incident');
        const openButtons = buttons(open);
        expect(openButtons.confirm.disabled).toBe(true);
        expect(openButtons.earlyWarning.disabled).toBe(false);
        expect(openButtons.notifyAuthority.disabled).toBe(false);
        expect(Object.values(buttons(closed)).every((button) => button.disabled)).toBe(true);
        expect(closed.querySelectorAll('.timeline li').length).toBe(0);
        expect(closed.querySelectorAll('.clock .slds-badge')[0].textContent).toBe('Done in time');
    });

    it('records a milestone for the incident', async () => {
        recordMilestone.mockResolvedValue();
        const element = await renderWithIncidents();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        buttons(element.shadowRoot.querySelector('li.incident')).earlyWarning.click();
        await flushPromises();
        expect(recordMilestone).toHaveBeenCalledWith({ incidentId: 'a03000000000001AAA', milestone: 'earlyWarning' });
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'Early warning sent' });
    });

    it('shows why a milestone was not recorded', async () => {
        recordMilestone.mockRejectedValue({ body: { message: 'Insufficient access rights on object id' } });
        const element = await renderWithIncidents();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        buttons(element.shadowRoot.querySelector('li.incident')).contain.click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'error', message: 'Insufficient access rights on object id' });
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
