import { createElement } from 'lwc';
import LeakwatchSetup from 'c/leakwatchSetup';
import getChecks from '@salesforce/apex/LeakwatchSetupController.getChecks';
import getCanaries from '@salesforce/apex/CanaryController.getCanaries';

jest.mock('@salesforce/apex/LeakwatchSetupController.getChecks', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/CanaryController.getCanaries', () => ({ default: jest.fn() }), { virtual: true });

const CHECKS = [
    { key: 'connection', label: 'Sidecar connection', ok: true, message: 'The sidecar answered.' },
    { key: 'collectors', label: 'Sidecar collectors', ok: false, message: 'The sidecar reports no signal it reads from this org.' }
];
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function render() {
    getCanaries.mockResolvedValue({ records: [{ recordId: '0035g00000CnRy1AAB', label: 'canary Contact 0c4e19b7f3' }], markerCount: 2 });
    const element = createElement('c-leakwatch-setup', { is: LeakwatchSetup });
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

describe('c-leakwatch-setup', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('lists every check and says how many need attention', async () => {
        getChecks.mockResolvedValue(CHECKS);
        const element = await render();

        const rows = element.shadowRoot.querySelectorAll('li.check');
        expect(Array.from(rows).map((row) => row.dataset.key)).toEqual(['connection', 'collectors']);
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('1 of 2 checks need attention.');
        expect(rows[0].querySelector('lightning-icon').alternativeText).toBe('Passed');
        expect(rows[1].querySelector('lightning-icon').alternativeText).toBe('Needs attention');
    });

    it('says what the sidecar reports and offers no action of its own', async () => {
        getChecks.mockResolvedValue(CHECKS);
        const element = await render();

        const collectors = element.shadowRoot.querySelector('li.check[data-key="collectors"]');
        expect(collectors.querySelector('.message').textContent).toBe('The sidecar reports no signal it reads from this org.');
        expect(element.shadowRoot.querySelector('lightning-button')).toBeNull();
    });

    it('shows an error panel when the checks fail', async () => {
        getChecks.mockRejectedValue({ body: { message: 'Insufficient access' } });
        const element = await render();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel).not.toBeNull();
        expect(panel.friendlyMessage).toBe('The setup could not be checked');
    });

    it('offers the canaries card below the checks', async () => {
        getChecks.mockResolvedValue(CHECKS);
        const element = await render();

        const canaries = element.shadowRoot.querySelector('c-canary-panel');
        expect(canaries).not.toBeNull();
        expect(getCanaries).toHaveBeenCalledTimes(1);
        expect(canaries.shadowRoot.querySelector('li.canary').dataset.id).toBe('0035g00000CnRy1AAB');
    });

    it('is accessible', async () => {
        getChecks.mockResolvedValue(CHECKS);
        const element = await render();

        await expect(element).toBeAccessible();
    });
});
