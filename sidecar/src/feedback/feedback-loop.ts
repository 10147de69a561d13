export interface FeedbackLoop {
  /** Stops polling and resolves once the poll in flight has finished. */
  stop(): Promise<void>;
}

interface FeedbackLoopOptions {
  orgIds: readonly string[];
  /** Polls one org; a rejection is reported through `onError` and the org is polled again next time. */
  poll: (orgId: string, stopping: () => boolean) => Promise<void>;
  intervalMs: number;
  onError: (orgId: string, err: unknown) => void;
}

/**
 * Polls every org at once, then again `intervalMs` after each round has finished (so a slow org
 * never makes rounds overlap). One org failing does not hold up the others.
 */
export function startFeedbackLoop({ orgIds, poll, intervalMs, onError }: FeedbackLoopOptions): FeedbackLoop {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const isStopping = () => stopping;
  const round = async () => {
    for (const orgId of orgIds) {
      if (stopping) return;
      try {
        await poll(orgId, isStopping);
      } catch (err) {
        onError(orgId, err);
      }
    }
  };
  const next = () => {
    inFlight = round().finally(() => {
      if (!stopping) timer = setTimeout(next, intervalMs);
    });
  };
  next();
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
