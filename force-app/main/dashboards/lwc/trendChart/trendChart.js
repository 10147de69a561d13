import { LightningElement, api } from 'lwc';

const WIDTH = 600;
const HEIGHT = 160;
const BAR_GAP = 2;

/**
 * Daily bars of scored events with the High and Critical verdicts of each day drawn over them,
 * in plain SVG so that it needs no charting library in the org.
 */
export default class TrendChart extends LightningElement {
    /** Days as `{ day: 'YYYY-MM-DD', events: Number, alerts: Number }`, oldest first. */
    @api days = [];

    viewBox = `0 0 ${WIDTH} ${HEIGHT}`;

    get hasDays() {
        return Array.isArray(this.days) && this.days.length > 0;
    }

    get maxValue() {
        return Math.max(1, ...this.days.map((day) => day.events || 0));
    }

    get bars() {
        const slot = WIDTH / this.days.length;
        const scale = (HEIGHT - 1) / this.maxValue;
        return this.days.map((day, index) => {
            const eventsHeight = Math.round((day.events || 0) * scale);
            const alertsHeight = Math.round((day.alerts || 0) * scale);
            const x = (index * slot + BAR_GAP / 2).toFixed(1);
            const width = Math.max(1, slot - BAR_GAP).toFixed(1);
            return {
                key: day.day,
                x,
                width,
                eventsY: HEIGHT - eventsHeight,
                eventsHeight,
                alertsY: HEIGHT - alertsHeight,
                alertsHeight,
                title: `${day.day}: ${day.events || 0} events, ${day.alerts || 0} high or critical`
            };
        });
    }

    get firstDay() {
        return this.hasDays ? this.days[0].day : '';
    }

    get lastDay() {
        return this.hasDays ? this.days[this.days.length - 1].day : '';
    }

    get totals() {
        return this.days.reduce(
            (sum, day) => ({
                events: sum.events + (day.events || 0),
                alerts: sum.alerts + (day.alerts || 0)
            }),
            { events: 0, alerts: 0 }
        );
    }

    get summary() {
        const { events, alerts } = this.totals;
        return `${this.days.length}-day trend from ${this.firstDay} to ${this.lastDay}: ${events} scored events, ${alerts} high or critical verdicts.`;
    }
}
