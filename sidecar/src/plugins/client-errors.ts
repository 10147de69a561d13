import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import type { HttpLimits } from '../config.js';
import { formatBytes, formatSeconds } from './limit-texts.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** Why Node gave up on a connection before a request reached the routes, and what the client should change. */
function rejection(err: ConnectionError, limits: HttpLimits): { status: number; message: string } {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      message: `The request did not arrive in time: the headers must arrive within ${formatSeconds(limits.headersTimeoutMs)} and the whole request within ${formatSeconds(limits.requestTimeoutMs)}. Send the request without pauses, with a body exactly as long as its Content-Length.`,
    };
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      message: `The request headers are larger than ${formatBytes(maxHeaderSize)}. Send fewer or shorter headers.`,
    };
  }
  return {
    status: 400,
    message: `The request is not valid HTTP/1.1 (${err.code ?? 'malformed'}). Check the HTTP client, or the proxy in front of the sidecar.`,
  };
}

/**
 * Answers what Node rejects before Fastify sees a request (a timeout, oversized headers, malformed
 * HTTP) like every other error: a JSON body that says what to change, a request id to quote, the
 * security headers; then closes the connection.
 */
export function clientErrorHandler(limits: HttpLimits) {
  return function onClientError(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const { status, message } = rejection(err, limits);
    const requestId = randomUUID();
    this.log.info({ code: err.code, statusCode: status, requestId }, 'connection rejected');
    if (socket.writable) {
      const error = STATUS_CODES[status] ?? 'Error';
      const body = JSON.stringify({ statusCode: status, error, message, requestId });
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        ...SECURITY_HEADERS,
        connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${status} ${error}\r\n${head}\r\n${body}`);
    }
    socket.destroy();
  };
}
