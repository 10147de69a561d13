import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { batchLimits, formatBytes } from './limit-texts.js';

interface ErrorHandlerOptions {
  /** Ends the 404 message: where to find what this listener serves. */
  notFoundHint?: string;
}

/** Messages a Salesforce admin can act on, for errors raised by Fastify itself, with the configured body limit. */
function frameworkMessages(bodyLimitBytes: number): Record<string, string> {
  return {
    FST_ERR_CTP_BODY_TOO_LARGE: `The request body is larger than ${formatBytes(bodyLimitBytes)} (counted after decompression when it is sent compressed). Send smaller batches: ${batchLimits(bodyLimitBytes)}.`,
    FST_ERR_CTP_INVALID_CONTENT_LENGTH:
      'The Content-Length header does not match the body that was sent. Let the HTTP client set Content-Length, or send the exact byte length of the body.',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty. Send the event envelope as JSON.',
    FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON. Send the event envelope as JSON.',
    FST_ERR_BAD_URL: 'The request URL is not valid (a broken percent-encoding). Check the sidecar URL in the Named Credential.',
  };
}

/** Only JSON bodies are accepted; any other content type is a bad request, not a 415, so the admin sees what to change. */
function contentTypeMessage(contentType: string | undefined): string {
  const given = contentType?.split(';')[0]?.trim();
  return given
    ? `The content type ${JSON.stringify(given.slice(0, 100))} is not accepted. Send the body as JSON with the header Content-Type: application/json.`
    : 'The request has no Content-Type header. Send the body as JSON with the header Content-Type: application/json.';
}

/**
 * 4xx replies carry a message that says what to fix; 5xx replies a generic message and the
 * request id to quote, while the details go to the log.
 */
export default fp<ErrorHandlerOptions>(
  async (app, options) => {
    const messages = frameworkMessages(app.initialConfig.bodyLimit ?? 0);
    const notFoundHint = options.notFoundHint ?? 'See /docs/openapi.json for the API.';
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        request.log.info({ code: error.code, statusCode: 400 }, 'request rejected');
        return reply.code(400).send({
          statusCode: 400,
          error: 'Bad Request',
          message: contentTypeMessage(request.headers['content-type']),
          requestId: request.id,
        });
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(status === 503 ? 503 : 500).send({
          statusCode: status === 503 ? 503 : 500,
          error: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
          message:
            status === 503
              ? 'The sidecar cannot store events right now; send the batch again later.'
              : 'The sidecar could not process the request. Quote the request id to the sidecar operator.',
          requestId: request.id,
        });
      }
      request.log.info({ code: error.code, statusCode: status }, 'request rejected');
      const message = error.validation ? error.message : (messages[error.code] ?? error.message);
      return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, requestId: request.id });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({
        statusCode: 404,
        error: 'Not Found',
        message: `No route ${request.method} ${request.url.split('?')[0]}. ${notFoundHint}`,
        requestId: request.id,
      }),
    );
  },
  { name: 'error-handler' },
);
