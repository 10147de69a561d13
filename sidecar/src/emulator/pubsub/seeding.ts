import { ApiError } from '../errors.js';

/** The events of a `POST /__emulator/pubsub/{Topic}` body, `{"events": [{...Salesforce field names...}]}`. */
export const seededEvents = (body: unknown): Record<string, unknown>[] => {
  const events = (body as { events?: unknown } | null)?.events;
  if (body === null || typeof body !== 'object' || !Array.isArray(events)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'The body must be {"events": [{...Salesforce field names...}]}');
  }
  const bad = events.findIndex((event) => event === null || typeof event !== 'object' || Array.isArray(event));
  if (bad >= 0) throw new ApiError(400, 'JSON_PARSER_ERROR', `Each event must be a JSON object of field names and values (event ${bad})`);
  return events as Record<string, unknown>[];
};
