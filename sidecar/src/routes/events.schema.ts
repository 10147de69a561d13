import { Type } from 'typebox';
import { ErrorReply } from './error-reply.js';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * The envelope as the route validates it. Each event is then checked on its own against
 * `schemas/event-envelope.schema.json`, so one bad event does not sink its batch.
 */
export const EventEnvelopeBody = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    orgId: Type.String({ pattern: '^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$' }),
    batchId: Type.String({ format: 'uuid', pattern: UUID }),
    sentAt: Type.Optional(Type.String({ format: 'date-time' })),
    events: Type.Array(Type.Unknown({ description: 'An event: see #/definitions/event in sidecar/schemas/event-envelope.schema.json.' }), {
      minItems: 1,
      maxItems: 2000,
    }),
  },
  { additionalProperties: false, description: 'Event envelope, schema version 1.' },
);

export const IngestReply = Type.Object({
  batchId: Type.String(),
  accepted: Type.Integer({ description: 'Events stored by this request.' }),
  duplicates: Type.Integer({
    description: 'Events already stored earlier (or repeated in the batch): acknowledged, not processed again.',
  }),
  rejected: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the event in `events`.' }),
      eventId: Type.Optional(Type.String()),
      reasons: Type.Array(Type.String()),
    }),
    { description: 'Events that break the schema; send them again only after fixing them.' },
  ),
});

export const IngestRejectedReply = Type.Object({
  ...ErrorReply.properties,
  rejected: Type.Optional(IngestReply.properties.rejected),
});
