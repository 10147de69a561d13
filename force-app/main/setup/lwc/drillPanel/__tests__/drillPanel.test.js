import { createElement } from 'lwc';
import DrillPanel from 'c/drillPanel';
import startDrill from '@salesforce/apex/DrillController.startDrill';
import getDrill from '@salesforce/apex/DrillController.getDrill';

const mockRunning = require('./data/running.json');
const mockDone = require('./data/done.json');

jest.mock('@salesforce/apex/DrillController.startDrill', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/DrillController.getDrill', () => ({ default: jest.fn() }), { virtual: true });

const DRILL_ID = '6f1c2d3e-0000-4000-8000-00000000abcd';

/** Lets resolved Apex calls and re-renders run (fake timers do not hold promises). */
async function settle() {
    for (let i = 0; i < 5; i += 1) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render() {
    const element = createElement('c-drill-panel', { is: DrillPanel });
    document.body.appendChild(element);
    return element;
}

function targets(element) {
    return Array.from(element.shadowRoot.querySelectorAll('li.target')).map((row) => ({
        name: row.dataset.name,
        state: row.dataset.state,
        outcome: row.querySelector('.outcome').textContent
    }));
}

const button = (element) => element.shadowRoot.querySelector('lightning-button.run');

describe('c-drill-panel', () => {
    beforeEach(() => {
        jest.useFakeTimers();
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    it('starts a drill, shows each target while it runs, and polls until it is done', async () => {
        startDrill.mockResolvedValue(DRILL_ID);
        getDrill.mockResolvedValueOnce(mockRunning).mockResolvedValueOnce(mockDone);
        const element = render();
        expect(element.shadowRoot.querySelector('li.target')).toBeNull();

        button(element).click();
        await settle();
        expect(startDrill).toHaveBeenCalledTimes(1);
        expect(getDrill).toHaveBeenCalledWith({ drillId: DRILL_ID });
        expect(button(element).disabled).toBe(true);
        expect(element.shadowRoot.querySelector('.status').textContent).toBe('The drill is running (0.9 s).');
        expect(element.shadowRoot.querySelector('.incident').textContent).toBe('Drill: Canary records read (Contact)');
        expect(targets(element)).toEqual([
            {
                name: 'soc',
                state: 'delivered',
                outcome: 'Arrived after 0.8 s as INC0010001'
            },
            { name: 'siem', state: 'retrying', outcome: 'Retrying: HTTP 503' }
        ]);

        jest.advanceTimersByTime(2000);
        await settle();
        expect(getDrill).toHaveBeenCalledTimes(2);
        expect(targets(element)[1]).toEqual({
            name: 'siem',
            state: 'dead',
            outcome: 'Failed: HTTP 503'
        });
        expect(element.shadowRoot.querySelector('.status').textContent).toBe(
            '1 of 2 targets did not receive the drill.'
        );
        expect(button(element).disabled).toBe(false);

        // Done: nothing more is read.
        jest.advanceTimersByTime(10000);
        await settle();
        expect(getDrill).toHaveBeenCalledTimes(2);
    });

    it('says when every target received it, and when the drill timed out', async () => {
        startDrill.mockResolvedValue(DRILL_ID);
        getDrill.mockResolvedValueOnce({
            ...mockDone,
            targets: [mockDone.targets[0]]
        });
        const element = render();
        button(element).click();
        await settle();
        expect(element.shadowRoot.querySelector('.status').textContent).toBe('Every target received the drill.');

        getDrill.mockResolvedValueOnce({ ...mockRunning, state: 'timed-out' });
        button(element).click();
        await settle();
        expect(element.shadowRoot.querySelector('.status').textContent).toBe(
            'The drill timed out: 1 of 2 targets did not receive it.'
        );
    });

    it('shows the error when the drill cannot be started, and stops polling when reading fails', async () => {
        startDrill.mockRejectedValue({
            body: { message: 'The sidecar could not be reached.' }
        });
        const element = render();
        button(element).click();
        await settle();
        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();
        expect(getDrill).not.toHaveBeenCalled();
        expect(button(element).disabled).toBe(false);

        startDrill.mockResolvedValue(DRILL_ID);
        getDrill.mockResolvedValueOnce(mockRunning).mockRejectedValueOnce({
            body: { message: 'The sidecar did not answer in time.' }
        });
        button(element).click();
        await settle();
        expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
        jest.advanceTimersByTime(2000);
        await settle();
        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();
        jest.advanceTimersByTime(10000);
        await settle();
        expect(getDrill).toHaveBeenCalledTimes(2);
    });

    it('is accessible', async () => {
        startDrill.mockResolvedValue(DRILL_ID);
        getDrill.mockResolvedValueOnce(mockDone);
        const element = render();
        button(element).click();
        await settle();
        jest.useRealTimers();
        await expect(element).toBeAccessible();
    });
});
