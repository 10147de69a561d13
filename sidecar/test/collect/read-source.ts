import { createLookups } from '../../src/collect/lookups.js';
import type { CollectClient, CollectorSource, SourceContext, SourcePage } from '../../src/collect/source.js';

/** One read of a source, outside the runner (no store, no snapshot), to look at the events it builds. */
export const readOnce = <P>(source: CollectorSource<P>, client: CollectClient, orgId: string, position?: P): Promise<SourcePage<P>> =>
  source.read({
    orgId,
    client,
    position,
    now: new Date(),
    pageSize: 2_000,
    snapshot: async () => new Map(),
    lookups: createLookups(client),
  } satisfies SourceContext<P>);
