import type { Store } from '../store/store.js';

/** How long an org's markers are reused before they are read again: a marker planted now is seen within this. */
const FRESH_MS = 5_000;

/**
 * The org's registered canary marker values (`detect_canary`, as `POST /v1/canaries` and drills
 * register them), read at most every 5 s per org so that inspection stays off the database.
 */
export function canaryMarkerReader(store: Store, now: () => number = Date.now): (orgId: string) => Promise<readonly string[]> {
  const cache = new Map<string, { at: number; markers: Promise<readonly string[]> }>();
  return (orgId) => {
    const hit = cache.get(orgId);
    if (hit && now() - hit.at < FRESH_MS) return hit.markers;
    const markers = store
      .query<{ value: string }>("SELECT value FROM detect_canary WHERE org_id = $1 AND kind = 'marker'", [orgId])
      .then((rows) => rows.map((r) => r.value).filter((v) => v.length >= 4));
    cache.set(orgId, { at: now(), markers });
    markers.catch(() => cache.delete(orgId));
    return markers;
  };
}
