/** Faults the emulator injects on demand. Counters apply to the next N data requests (or records). */
interface Faults {
  /** Next N data requests answer 503 SERVER_UNAVAILABLE. */
  unavailable: number;
  /** Next N data requests answer 403 REQUEST_LIMIT_EXCEEDED, as an org over its API limit does. */
  requestLimit: number;
  /** Next N saved records fail with UNABLE_TO_LOCK_ROW. */
  lockRows: number;
  /** Next N data requests lose their connection before any answer. */
  dropConnections: number;
  /** Next N token requests answer 503, as a login service under maintenance does. */
  loginUnavailable: number;
  /** Every data request waits this long before it is handled. */
  latencyMs: number;
}

/** What `setFaults` accepts: counters to set, plus a one-shot revocation of every issued token. */
export type FaultSettings = Partial<Faults> & {
  expireSessions?: boolean;
  /** Sets the API requests used today (as `Sforce-Limit-Info` reports them), e.g. to bring the org near its limit. */
  apiUsage?: number;
};

type RequestFault = 'unavailable' | 'requestLimit' | 'dropConnections' | 'loginUnavailable';

export interface FaultCounts {
  unavailable: number;
  requestLimit: number;
  lockRows: number;
  dropConnections: number;
  loginUnavailable: number;
  sessionsExpired: number;
}

const NONE: Faults = { unavailable: 0, requestLimit: 0, lockRows: 0, dropConnections: 0, loginUnavailable: 0, latencyMs: 0 };

/** Holds the pending faults and counts the ones injected. */
export class FaultInjector {
  private state: Faults = { ...NONE };
  readonly injected: FaultCounts = { unavailable: 0, requestLimit: 0, lockRows: 0, dropConnections: 0, loginUnavailable: 0, sessionsExpired: 0 };

  set(settings: Partial<Faults> & { apiUsage?: number }): void {
    if (settings.apiUsage !== undefined && (!Number.isInteger(settings.apiUsage) || settings.apiUsage < 0)) {
      throw new RangeError('apiUsage must be a non-negative integer');
    }
    for (const key of Object.keys(NONE) as (keyof Faults)[]) {
      const value = settings[key];
      if (value !== undefined) {
        if (!Number.isInteger(value) || value < 0) throw new RangeError(`fault ${key} must be a non-negative integer`);
        this.state[key] = value;
      }
    }
  }

  get latencyMs(): number {
    return this.state.latencyMs;
  }

  pending(): Faults {
    return { ...this.state };
  }

  /** Takes one pending request fault of the given kind, if any. */
  take(kind: RequestFault | 'lockRows'): boolean {
    if (this.state[kind] === 0) return false;
    this.state[kind] -= 1;
    this.injected[kind] += 1;
    return true;
  }
}
