import type { RequestLoad } from './request-load.js';

export interface WorkerLoop {
  /** Runs the next step now instead of waiting for the poll interval. */
  wake(): void;
  /** Stops claiming new work and resolves once the step in flight has finished. */
  stop(): Promise<void>;
}

interface WorkerLoopOptions {
  /** Does one unit of work; returns how many items it handled (0 = idle). */
  step: () => Promise<number>;
  pollMs: number;
  /** Longest sleep while idle: the poll interval doubles from `pollMs` up to this (default: 1 s, at least `pollMs`). */
  maxIdleMs?: number;
  onError: (err: unknown) => void;
  /**
   * The acknowledgement path this stage gives way to: while it is saturated, each step waits until it eases, but no
   * longer than keeps the stage's steps to `share` of the time (a step that took 200 ms waits 1.8 s at a share of
   * 0.1) and never longer than `maxDeferMs`, so that the stage still moves during a long burst. `onDeferred` gets
   * each wait's length.
   */
  giveWay?: { to: RequestLoad; share: number; maxDeferMs: number; onDeferred?: (ms: number) => void };
}

/**
 * Repeats `step` while it finds work and backs off after errors. While idle it polls after `pollMs`, doubling the
 * interval up to `maxIdleMs`, so that an idle replica does not keep the store busy; `wake` (new work stored,
 * here or by another replica) runs the next step at once and resets the interval.
 */
export function startWorkerLoop({ step, pollMs, maxIdleMs, onError, giveWay }: WorkerLoopOptions): WorkerLoop {
  const idleCap = Math.max(pollMs, maxIdleMs ?? 1_000);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeSleeper: (() => void) | undefined;
  let woken = false;
  let stopped: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stopped = resolve));
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      wakeSleeper = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      wakeSleeper = undefined;
    });
  /** How long the last step that handled work took (ms); none yet: a wait may last `maxDeferMs`. */
  let lastStepMs: number | undefined;
  /** Waits while the acknowledgement path is saturated, for as long as `giveWay` allows after the last step. */
  const deferToRequests = async () => {
    if (!giveWay?.to.saturated()) return;
    const started = Date.now();
    const { share, maxDeferMs } = giveWay;
    const longest = lastStepMs === undefined ? maxDeferMs : Math.min(maxDeferMs, (lastStepMs * (1 - share)) / share);
    let deadline: NodeJS.Timeout | undefined;
    let late = false;
    const timedOut = new Promise<void>((resolve) => {
      deadline = setTimeout(() => {
        late = true;
        resolve();
      }, longest);
    });
    while (!stopping && !late && giveWay.to.saturated()) await Promise.race([giveWay.to.eased(), stopSignal, timedOut]);
    clearTimeout(deadline);
    giveWay.onDeferred?.(Date.now() - started);
  };
  const run = async () => {
    let failures = 0;
    let idle = 0;
    while (!stopping) {
      if (woken) idle = 0;
      woken = false;
      let handled = 0;
      try {
        await deferToRequests();
        if (stopping) break;
        const started = performance.now();
        handled = await step();
        // An idle step (a claim that found nothing) costs little and says nothing of what a step with work costs.
        if (handled > 0) lastStepMs = performance.now() - started;
        failures = 0;
      } catch (err) {
        failures += 1;
        onError(err);
      }
      if (stopping) break;
      if (failures > 0) await sleep(Math.min(pollMs * 2 ** failures, 5_000));
      else if (handled === 0) {
        await sleep(Math.min(pollMs * 2 ** idle, idleCap));
        idle = Math.min(idle + 1, 30);
      } else idle = 0;
    }
  };
  const running = run();
  return {
    wake() {
      woken = true;
      wakeSleeper?.();
    },
    async stop() {
      stopping = true;
      stopped();
      wakeSleeper?.();
      await running;
    },
  };
}
