import { createElement } from 'lwc';
import ErrorPanel from 'c/errorPanel';

function render(props) {
    const element = createElement('c-error-panel', { is: ErrorPanel });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

describe('c-error-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the messages of Apex, LDS and JavaScript errors', () => {
        const element = render({
            friendlyMessage: 'The verdicts could not be loaded',
            errors: [{ body: { message: 'Insufficient access' } }, { body: [{ message: 'Row locked' }] }, new Error('Network down')]
        });
        expect(element.shadowRoot.querySelector('h2').textContent).toBe('The verdicts could not be loaded');
        expect(Array.from(element.shadowRoot.querySelectorAll('p')).map((p) => p.textContent)).toEqual([
            'Insufficient access',
            'Row locked',
            'Network down'
        ]);
    });

    it('announces itself as an alert and is accessible', async () => {
        const element = render({ errors: { statusText: 'Service Unavailable' } });
        expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toContain('Service Unavailable');
        await expect(element).toBeAccessible();
    });
});
