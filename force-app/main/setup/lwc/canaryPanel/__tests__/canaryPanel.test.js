import { createElement } from 'lwc';
import CanaryPanel from 'c/canaryPanel';
import getCanaries from '@salesforce/apex/CanaryController.getCanaries';
import plantCanaries from '@salesforce/apex/CanaryController.plantCanaries';

const mockRegistry = require('./data/registry.json');
const mockPlanted = require('./data/planted.json');

jest.mock('@salesforce/apex/CanaryController.getCanaries', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/CanaryController.plantCanaries', () => ({ default: jest.fn() }), { virtual: true });

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function render() {
    const element = createElement('c-canary-panel', { is: CanaryPanel });
    element.toasts = [];
    element.addEventListener('lightning__showtoast', (event) => element.toasts.push(event.detail));
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

async function choose(element, selector, value) {
    const field = element.shadowRoot.querySelector(selector);
    field.value = value;
    field.dispatchEvent(new CustomEvent('change', { detail: { value } }));
    await flushPromises();
    return field;
}

function rows(element) {
    return Array.from(element.shadowRoot.querySelectorAll('li.canary'));
}

describe('c-canary-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('lists the registered canary records with links to them', async () => {
        getCanaries.mockResolvedValue(mockRegistry);
        const element = await render();

        expect(rows(element).map((row) => row.dataset.id)).toEqual(['0035g00000CnRy1AAB', '00Q5g00000CnRy1EAB']);
        const [contact, lead] = rows(element).map((row) => row.querySelector('a'));
        expect(contact.textContent).toBe('canary Contact 0c4e19b7f3');
        expect(contact.getAttribute('href')).toBe('/lightning/r/0035g00000CnRy1AAB/view');
        expect(lead.textContent).toBe('00Q5g00000CnRy1EAB');
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('2 canary records are registered, with 4 marker values.');
    });

    it('says when no canary is registered yet', async () => {
        getCanaries.mockResolvedValue({ records: [], markerCount: 0 });
        const element = await render();

        expect(rows(element)).toEqual([]);
        expect(element.shadowRoot.querySelector('.summary').textContent).toBe('No canary record is registered for this org yet.');
    });

    it('plants the chosen number of Leads, confirms it, and lists them', async () => {
        getCanaries.mockResolvedValueOnce({ records: [], markerCount: 0 }).mockResolvedValueOnce({
            records: mockPlanted,
            markerCount: 4
        });
        let finishPlanting;
        plantCanaries.mockReturnValue(
            new Promise((resolve) => {
                finishPlanting = resolve;
            })
        );
        const element = await render();
        await choose(element, 'lightning-combobox.object', 'Lead');
        await choose(element, 'lightning-input.count', '2');

        element.shadowRoot.querySelector('lightning-button.plant').click();
        await flushPromises();
        expect(plantCanaries).toHaveBeenCalledWith({ objectName: 'Lead', count: 2 });
        expect(element.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('Planting canaries');
        expect(element.shadowRoot.querySelector('lightning-button.plant').disabled).toBe(true);

        finishPlanting(mockPlanted);
        await flushPromises();
        expect(element.toasts).toEqual([
            { title: 'Canaries planted', message: '2 canary Leads were planted and registered.', variant: 'success' }
        ]);
        expect(getCanaries).toHaveBeenCalledTimes(2);
        expect(rows(element).map((row) => row.dataset.id)).toEqual(['00Q5g00000CnRy2EAB', '00Q5g00000CnRy3EAB']);
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
        expect(element.shadowRoot.querySelector('lightning-button.plant').disabled).toBe(false);
    });

    it.each([['0'], ['21'], ['2.5'], ['']])('refuses %p canaries without calling the sidecar', async (value) => {
        getCanaries.mockResolvedValue(mockRegistry);
        const element = await render();
        const input = await choose(element, 'lightning-input.count', value);
        const setCustomValidity = jest.spyOn(input, 'setCustomValidity');
        const reportValidity = jest.spyOn(input, 'reportValidity');

        element.shadowRoot.querySelector('lightning-button.plant').click();
        await flushPromises();

        expect(setCustomValidity).toHaveBeenLastCalledWith('Enter a whole number from 1 to 20.');
        expect(reportValidity).toHaveBeenCalled();
        expect(plantCanaries).not.toHaveBeenCalled();
        expect(element.toasts).toEqual([]);
    });

    it('shows why the sidecar did not plant the canaries', async () => {
        getCanaries.mockResolvedValue(mockRegistry);
        plantCanaries.mockRejectedValue({
            body: { message: 'The sidecar has no connection to this org, so it cannot create records here.' }
        });
        const element = await render();

        element.shadowRoot.querySelector('lightning-button.plant').click();
        await flushPromises();

        expect(plantCanaries).toHaveBeenCalledWith({ objectName: 'Contact', count: 3 });
        expect(element.toasts).toEqual([
            {
                title: 'The canaries were not planted',
                message: 'The sidecar has no connection to this org, so it cannot create records here.',
                variant: 'error'
            }
        ]);
        expect(getCanaries).toHaveBeenCalledTimes(1);
        expect(rows(element)).toHaveLength(2);
    });

    it('shows the error panel when the canaries cannot be listed', async () => {
        getCanaries.mockRejectedValue({ body: { message: 'Only Leakwatch admins may plant or list canaries.' } });
        const element = await render();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel.friendlyMessage).toBe('The canaries could not be listed');
        expect(rows(element)).toEqual([]);
    });

    it('is accessible', async () => {
        getCanaries.mockResolvedValue(mockRegistry);
        const element = await render();

        await expect(element).toBeAccessible();
    });
});
