import { createElement } from 'lwc';
import OverviewDashboard from 'c/overviewDashboard';
import getOverview from '@salesforce/apex/OverviewController.getOverview';

const mockOverview = require('./data/overview.json');

jest.mock(
    '@salesforce/apex/OverviewController.getOverview',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);

function render() {
    const element = createElement('c-overview-dashboard', { is: OverviewDashboard });
    document.body.appendChild(element);
    return element;
}

const flushPromises = () => Promise.resolve();

describe('c-overview-dashboard', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows a spinner until the overview arrives', () => {
        const element = render();
        expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
    });

    it('shows open verdicts by severity with their total', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        const tiles = element.shadowRoot.querySelectorAll('.severity-tiles li');
        expect(Array.from(tiles).map((tile) => tile.textContent)).toEqual(['2Critical', '5High', '7Medium', '1Low', '0Info']);
        expect(tiles[0].querySelector('span').className).toContain('slds-theme_error');
        const cards = element.shadowRoot.querySelectorAll('lightning-card');
        expect(cards[0].querySelector('[slot="actions"]').textContent).toBe('15 open');
    });

    it('shows findings by type and object, scaled to the largest', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        const types = element.shadowRoot.querySelectorAll('.findings-by-type li');
        expect(types[0].textContent).toBe('EMAIL_ADDRESS40');
        expect(types[0].querySelector('.share__bar').style.width).toBe('100%');
        expect(types[1].querySelector('.share__bar').style.width).toBe('25%');
        expect(element.shadowRoot.querySelectorAll('.findings-by-object li')[1].textContent).toBe('Case12');
    });

    it('lists the riskiest people and integrations apart', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        expect(element.shadowRoot.querySelector('.top-actors').textContent).toBe('m.keller@acme.examplez 6.4');
        expect(element.shadowRoot.querySelector('.top-integrations').textContent).toBe('shop-sync@acme.examplez 4.2');
    });

    it('says when an actor has no baseline yet', async () => {
        const element = render();
        getOverview.emit({ ...mockOverview, topActors: [{ userId: '005000000000004AAA', username: 'new.hire@acme.example', anomalyScore: null, riskScore: 40, verdicts: 1 }] });
        await flushPromises();
        expect(element.shadowRoot.querySelector('.top-actors').textContent).toBe('new.hire@acme.exampleno baseline');
    });

    it('passes the 30-day trend to the chart and shows the sidecar status', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-trend-chart').days).toEqual(mockOverview.trend);
        const status = element.shadowRoot.querySelectorAll('.sidecar-status dd');
        expect(status[0].querySelector('lightning-formatted-date-time').value).toBe('2026-11-23T08:15:00.000Z');
        expect(status[1].textContent).toBe('11');
        expect(status[2].textContent).toBe('3');
    });

    it('shows each signal in the state the sidecar reported, and the package triggers as its own', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        const rows = Array.from(element.shadowRoot.querySelectorAll('.coverage tbody tr'));
        expect(rows.map((row) => row.dataset.key)).toEqual(['CaptureTriggers', 'EventLogFile', 'LoginHistory', 'OauthToken', 'PermissionSetAssignment']);
        expect(rows.map((row) => [row.querySelector('.slds-badge').textContent, row.querySelector('.slds-badge').className])).toEqual([
            ['Captured', 'slds-badge slds-theme_success'],
            ['Not available in this org', 'slds-badge slds-theme_warning'],
            ['Collected', 'slds-badge slds-theme_success'],
            ['Not reported by the sidecar', 'slds-badge slds-theme_warning'],
            ['Failing', 'slds-badge slds-theme_error']
        ]);
        expect(rows[0].querySelectorAll('td')[0].textContent).toBe('Real-time');
        expect(rows[2].querySelectorAll('td')[0].textContent).toBe('Polled');
    });

    it('shows the newest row read, the rows of the last 24 hours, the report time and the last error', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        const row = (key) => element.shadowRoot.querySelector(`.coverage tr[data-key="${key}"]`);
        expect(row('LoginHistory').querySelector('.last-row lightning-formatted-date-time').value).toBe('2026-11-23T08:12:00.000Z');
        expect(row('LoginHistory').querySelector('.rows lightning-formatted-number').value).toBe(1204);
        expect(row('LoginHistory').querySelector('.checked lightning-formatted-date-time').value).toBe('2026-11-23T08:15:00.000Z');
        expect(row('LoginHistory').querySelector('.last-error')).toBeNull();
        expect(row('PermissionSetAssignment').querySelector('.rows lightning-formatted-number').value).toBe(0);
        expect(row('PermissionSetAssignment').querySelector('.last-error').textContent).toBe('REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
        expect(row('OauthToken').querySelector('.last-row').textContent).toBe('—');
        expect(row('OauthToken').querySelector('.rows').textContent).toBe('—');
        expect(row('OauthToken').querySelector('.checked').textContent).toBe('—');
    });

    it('shows empty states for an org with no findings, anomalies or write-back yet', async () => {
        const element = render();
        getOverview.emit({
            ...mockOverview,
            findingsByType: [],
            findingsByObject: [],
            topActors: [],
            topIntegrations: [],
            sidecar: { lastContact: null, untriagedVerdicts: 0, pendingReviews: 0 }
        });
        await flushPromises();
        const text = element.shadowRoot.textContent;
        expect(text).toContain('No personal data found yet.');
        expect(element.shadowRoot.querySelectorAll('p.slds-text-color_weak:not(.coverage-note)').length).toBe(3);
        expect(element.shadowRoot.querySelector('.sidecar-status dd').textContent).toBe('Never');
    });

    it('shows the error panel when the overview fails', async () => {
        const element = render();
        getOverview.error({ message: 'Insufficient access' });
        await flushPromises();
        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel.friendlyMessage).toBe('The overview could not be loaded');
        expect(element.shadowRoot.querySelector('.coverage')).toBeNull();
    });

    it('is accessible with data', async () => {
        const element = render();
        getOverview.emit(mockOverview);
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
