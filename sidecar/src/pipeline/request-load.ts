/**
 * How busy the acknowledgement path is: the batches of events being validated, classified and stored. The
 * background stages (scoring, write-back) give way to it while it has no spare capacity, since an event waiting
 * for its 202 still sits in the org's own queue, while an acknowledged one is safe in the store and only waits
 * for its verdict.
 */
export interface RequestLoad {
  /** True while as many batches are in flight as there are classification threads. */
  saturated(): boolean;
  /** Resolves the next time the in-flight batches fall below that. */
  eased(): Promise<void>;
}

export interface TrackedRequestLoad extends RequestLoad {
  /** Runs `work` as one batch in flight. */
  track<T>(work: () => Promise<T>): Promise<T>;
}

/** A load that saturates at `capacity` batches in flight (the classification threads: more only wait for one). */
export function requestLoad(capacity: number): TrackedRequestLoad {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('a request load needs a capacity of at least one');
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  return {
    saturated: () => inFlight >= capacity,
    eased: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async track(work) {
      inFlight += 1;
      try {
        return await work();
      } finally {
        inFlight -= 1;
        if (inFlight < capacity && waiters.length > 0) {
          const woken = waiters;
          waiters = [];
          for (const resolve of woken) resolve();
        }
      }
    },
  };
}
