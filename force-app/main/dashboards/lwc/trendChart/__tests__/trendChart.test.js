import { createElement } from 'lwc';
import TrendChart from 'c/trendChart';

const DAYS = [
    { day: '2026-11-01', events: 10, alerts: 2 },
    { day: '2026-11-02', events: 0, alerts: 0 },
    { day: '2026-11-03', events: 5, alerts: 5 }
];

function render(days) {
    const element = createElement('c-trend-chart', { is: TrendChart });
    element.days = days;
    document.body.appendChild(element);
    return element;
}

describe('c-trend-chart', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('draws one bar pair per day, scaled to the busiest day', () => {
        const element = render(DAYS);
        const events = element.shadowRoot.querySelectorAll('rect.bar_events');
        const alerts = element.shadowRoot.querySelectorAll('rect.bar_alerts');
        expect(events.length).toBe(3);
        expect(alerts.length).toBe(3);
        const heights = Array.from(events).map((rect) => Number(rect.getAttribute('height')));
        expect(heights[0]).toBeGreaterThan(heights[2]);
        expect(heights[1]).toBe(0);
        expect(Number(alerts[2].getAttribute('height'))).toBe(heights[2]);
    });

    it('describes the trend for screen readers', () => {
        const element = render(DAYS);
        const svg = element.shadowRoot.querySelector('svg');
        expect(svg.getAttribute('role')).toBe('img');
        expect(svg.getAttribute('aria-label')).toBe(
            '3-day trend from 2026-11-01 to 2026-11-03: 15 scored events, 7 high or critical verdicts.'
        );
    });

    it('says so when there are no days', () => {
        const element = render([]);
        expect(element.shadowRoot.querySelector('svg')).toBeNull();
        expect(element.shadowRoot.querySelector('p').textContent).toBe('No activity in the last 30 days.');
    });

    it('is accessible', async () => {
        const element = render(DAYS);
        await expect(element).toBeAccessible();
    });
});
