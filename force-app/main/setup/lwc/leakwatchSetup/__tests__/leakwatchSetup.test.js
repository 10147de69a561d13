import { createElement } from 'lwc';
import LeakwatchSetup from 'c/leakwatchSetup';
import getChecks from '@salesforce/apex/LeakwatchSetupController.getChecks';
import startSetupMonitor from '@salesforce/apex/LeakwatchSetupController.startSetupMonitor';

jest.mock('@salesforce/apex/LeakwatchSetupController.getChecks', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/LeakwatchSetupController.startSetupMonitor', () => ({ default: jest.fn() }), {
    virtual: true
});

const CHECKS = [
    { key: 'connection', label: 'Sidecar connection', ok: true, message: 'The sidecar answered.' },
    { key: 'setupMonitor', label: 'Setup monitor', ok: false, message: 'The setup monitor is not running.' }
];
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function render() {
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
        expect(Array.from(rows).map((row) => row.dataset.key)).toEqual(['connection', 'setupMonitor']);
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('1 of 2 checks need attention.');
        expect(rows[0].querySelector('lightning-icon').alternativeText).toBe('Passed');
        expect(rows[1].querySelector('lightning-icon').alternativeText).toBe('Needs attention');
    });

    it('starts the setup monitor and shows the new state', async () => {
        getChecks.mockResolvedValue(CHECKS);
        startSetupMonitor.mockResolvedValue({ key: 'setupMonitor', label: 'Setup monitor', ok: true, message: 'Running.' });
        const element = await render();

        element.shadowRoot.querySelector('lightning-button').click();
        await flushPromises();

        expect(startSetupMonitor).toHaveBeenCalledTimes(1);
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('Leakwatch is fully set up.');
        expect(element.shadowRoot.querySelector('lightning-button')).toBeNull();
    });

    it('shows an error panel when the checks fail', async () => {
        getChecks.mockRejectedValue({ body: { message: 'Insufficient access' } });
        const element = await render();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel).not.toBeNull();
        expect(panel.friendlyMessage).toBe('The setup could not be checked');
    });

    it('is accessible', async () => {
        getChecks.mockResolvedValue(CHECKS);
        const element = await render();

        await expect(element).toBeAccessible();
    });
});
