export interface WorkerLoop {
  /** Runs the next step now instead of waiting for the poll interval. */
  wake(): void;
  /** Stops claiming new work and resolves once the step in flight has finished. */
  stop(): Promise<void>;
}

export interface WorkerLoopOptions {
  /** Does one unit of work; returns how many items it handled (0 = idle). */
  step: () => Promise<number>;
  pollMs: number;
  onError: (err: unknown) => void;
}

/** Repeats `step` while it finds work, sleeps `pollMs` when idle, backs off after errors. */
export function startWorkerLoop({ step, pollMs, onError }: WorkerLoopOptions): WorkerLoop {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeSleeper: (() => void) | undefined;
  let woken = false;
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
  const run = async () => {
    let failures = 0;
    while (!stopping) {
      woken = false;
      let handled = 0;
      try {
        handled = await step();
        failures = 0;
      } catch (err) {
        failures += 1;
        onError(err);
      }
      if (stopping) break;
      if (failures > 0) await sleep(Math.min(pollMs * 2 ** failures, 5_000));
      else if (handled === 0) await sleep(pollMs);
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
      wakeSleeper?.();
      await running;
    },
  };
}
