import { LightningElement } from 'lwc';
import startDrill from '@salesforce/apex/DrillController.startDrill';
import getDrill from '@salesforce/apex/DrillController.getDrill';

/** How often the drill's progress is read while it runs. */
export const POLL_MS = 2000;

const STATE_LABELS = {
    waiting: 'Waiting for the incident',
    queued: 'Queued',
    retrying: 'Retrying',
    delivered: 'Arrived',
    dead: 'Failed',
    skipped: 'Not notified'
};

const ICONS = {
    delivered: 'utility:success',
    dead: 'utility:error',
    retrying: 'utility:warning',
    skipped: 'utility:dash'
};

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The Notification drill card of the Leakwatch Setup tab: has the sidecar run a synthetic breach through every
 * notification target, then reads its progress until every target has it, has failed, or the drill timed out.
 */
export default class DrillPanel extends LightningElement {
    drill;
    error;
    isRunning = false;
    pollTimer;

    disconnectedCallback() {
        clearTimeout(this.pollTimer);
    }

    get targets() {
        return ((this.drill && this.drill.targets) || []).map((target) => {
            let outcome = STATE_LABELS[target.state] || target.state;
            if (target.state === 'delivered') {
                outcome = `Arrived after ${seconds(target.deliveredMs || 0)}${target.remoteId ? ` as ${target.remoteId}` : ''}`;
            } else if (target.problem) {
                outcome = `${outcome}: ${target.problem}`;
            }
            return {
                ...target,
                outcome,
                stateLabel: STATE_LABELS[target.state] || target.state,
                iconName: ICONS[target.state] || 'utility:clock'
            };
        });
    }

    get status() {
        const drill = this.drill;
        if (drill.state === 'running') {
            return `The drill is running (${seconds(drill.elapsedMs || 0)}).`;
        }
        const missed = drill.targets.filter(
            (target) => target.state !== 'delivered' && target.state !== 'skipped'
        ).length;
        if (drill.state === 'timed-out') {
            return `The drill timed out: ${missed} of ${drill.targets.length} targets did not receive it.`;
        }
        return missed === 0
            ? 'Every target received the drill.'
            : `${missed} of ${drill.targets.length} targets did not receive the drill.`;
    }

    async handleRun() {
        clearTimeout(this.pollTimer);
        this.isRunning = true;
        this.error = undefined;
        this.drill = undefined;
        try {
            const drillId = await startDrill();
            this.drill = { drillId, state: 'running', elapsedMs: 0, targets: [] };
            await this.poll(drillId);
        } catch (error) {
            this.fail(error);
        }
    }

    async poll(drillId) {
        try {
            this.drill = await getDrill({ drillId });
        } catch (error) {
            this.fail(error);
            return;
        }
        if (this.drill.state === 'running') {
            // eslint-disable-next-line @lwc/lwc/no-async-operation
            this.pollTimer = setTimeout(() => this.poll(drillId), POLL_MS);
        } else {
            this.isRunning = false;
        }
    }

    fail(error) {
        this.error = error;
        this.isRunning = false;
    }
}
