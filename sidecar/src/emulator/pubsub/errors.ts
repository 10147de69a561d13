import * as grpc from '@grpc/grpc-js';

/**
 * How Pub/Sub API refuses a call: a gRPC status, a message ending in `rpcId: <id>`, and trailers
 * carrying the service's own error code (`error-code`) and the RPC id (`rpc-id`), as the Pub/Sub API
 * guide ("Handle Errors") describes. The codes are those of its error code table.
 */
export const PUBSUB_ERRORS = {
  authHeaders: {
    status: grpc.status.UNAUTHENTICATED,
    code: 'sfdc.platform.eventbus.grpc.service.auth.headers.invalid',
    message: 'The accesstoken, instanceurl and tenantid authentication headers must be set to valid values.',
  },
  auth: {
    status: grpc.status.UNAUTHENTICATED,
    code: 'sfdc.platform.eventbus.grpc.service.auth.error',
    message: 'An authentication exception occurred. Provide valid authentication via metadata headers.',
  },
  topicEmpty: { status: grpc.status.INVALID_ARGUMENT, code: 'sfdc.platform.eventbus.grpc.topic.validation.empty', message: 'The topic name is blank.' },
  topicNotFound: { status: grpc.status.NOT_FOUND, code: 'sfdc.platform.eventbus.grpc.topic.not.found', message: 'The topic does not exist.' },
  topicNoAccess: {
    status: grpc.status.PERMISSION_DENIED,
    code: 'sfdc.platform.eventbus.grpc.topic.meta.permission',
    message: 'An error occurred while accessing the topic metadata. Verify the topic name and your access to it.',
  },
  cannotSubscribe: {
    status: grpc.status.PERMISSION_DENIED,
    code: 'sfdc.platform.eventbus.grpc.subscription.topic.cannot.subscribe',
    message: 'You do not have permission to subscribe to the topic.',
  },
  schemaEmpty: { status: grpc.status.INVALID_ARGUMENT, code: 'sfdc.platform.eventbus.grpc.schema.validation.failed', message: 'The schema ID is blank.' },
  schemaNoAccess: {
    status: grpc.status.PERMISSION_DENIED,
    code: 'sfdc.platform.eventbus.grpc.schema.meta.permission',
    message: 'An error occurred while accessing the schema. Verify the schema ID and your access to it.',
  },
  replayIdMissing: {
    status: grpc.status.INVALID_ARGUMENT,
    code: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed',
    message: 'The replay_preset field in FetchRequest is set to ReplayPreset.CUSTOM, but no Replay ID value is set.',
  },
  replayIdCorrupted: {
    status: grpc.status.INVALID_ARGUMENT,
    code: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
    message: 'The Replay ID validation failed. The Replay ID is invalid or outside the retention window.',
  },
  requestedEventsInvalid: {
    status: grpc.status.INVALID_ARGUMENT,
    code: 'sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid',
    message: 'The requested number of events in a fetch request must be greater than zero.',
  },
  topicMismatch: {
    status: grpc.status.INVALID_ARGUMENT,
    code: 'sfdc.platform.eventbus.grpc.subscription.fetch.topic.mismatch',
    message: 'The topic name in a FetchRequest must match the topic of the subscription.',
  },
  unavailable: {
    status: grpc.status.UNAVAILABLE,
    code: 'sfdc.platform.eventbus.grpc.service.unavailable',
    message: 'The Pub/Sub API service is unavailable. Try again later.',
  },
} as const;

export type PubSubErrorKind = keyof typeof PUBSUB_ERRORS;

/** A Pub/Sub API error status with its trailers; `detail` (a sentence naming the topic or schema id) follows the message. */
export const pubSubError = (kind: PubSubErrorKind, rpcId: string, detail?: string): Partial<grpc.StatusObject> => {
  const { status, code, message } = PUBSUB_ERRORS[kind];
  return statusWithCode(status, code, `${message}${detail ? ` ${detail}` : ''}`, rpcId);
};

/** A status the service generated itself: `rpcId:` in its message, `error-code` (when there is one) and `rpc-id` in its trailers. */
export const statusWithCode = (status: grpc.status, code: string | undefined, message: string, rpcId: string): Partial<grpc.StatusObject> => {
  const metadata = new grpc.Metadata();
  if (code) metadata.set('error-code', code);
  metadata.set('rpc-id', rpcId);
  return { code: status, details: `${message} rpcId: ${rpcId}`, metadata };
};

/**
 * How a stream ends when the server goes away under it. The error comes from the infrastructure,
 * not from Pub/Sub API, so it carries neither an error code nor an RPC id (guide: "Generate a
 * Client Trace ID to Troubleshoot Non-Pub/Sub API Errors").
 */
export const streamResetStatus = (): Partial<grpc.StatusObject> => ({
  code: grpc.status.UNAVAILABLE,
  details: 'Http2StreamException: The HTTP/2 server reset the stream. HTTP/2 error code: NO_ERROR',
  metadata: new grpc.Metadata(),
});
