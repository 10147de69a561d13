import { Transform, type Readable } from 'node:stream';
import { createUnzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import fp from 'fastify-plugin';

/** Content encodings the sidecar decompresses (Apex `HttpRequest.setCompressed(true)` sends gzip). */
const DECODED_ENCODINGS = ['gzip', 'x-gzip', 'deflate'];

const UTF8_NAMES = ['utf-8', 'utf8'];

function unsupported(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 415, code: 'LW_UNSUPPORTED_BODY_ENCODING' });
}

function quoted(value: string): string {
  return JSON.stringify(value.slice(0, 100));
}

/** A body is on its way: a Content-Length other than 0, or a chunked body. */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The charset of a JSON content type, lower-cased; undefined when none is named or the body is not JSON. */
function jsonCharset(contentType: string | undefined): string | undefined {
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json') return undefined;
  return /;\s*charset\s*=\s*("?)([^";]*)\1/i.exec(contentType)?.[2]?.trim().toLowerCase();
}

/** The content codings of the body, outermost last, without `identity`. */
function contentCodings(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/**
 * The body decompressed, stopped with a 413 as soon as it grows past `limit`: a small body that
 * inflates to gigabytes (a zip bomb) costs no more than `limit` bytes of work. `receivedEncodedLength`
 * lets Fastify check the compressed bytes against Content-Length and the body limit.
 */
export function decompressedBody(raw: Readable, coding: string, limit: number): Readable {
  const decoder = createUnzip();
  let size = 0;
  const body = Object.assign(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limit) callback(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        else callback(null, chunk);
      },
    }),
    { receivedEncodedLength: 0 },
  );
  raw.on('data', (chunk: Buffer) => {
    body.receivedEncodedLength += chunk.length;
  });
  decoder.on('error', (err: Error) => {
    body.destroy(
      Object.assign(
        new Error(
          `The request body is not a valid ${coding} stream (${err.message}). Compress the body with ${coding} as its Content-Encoding header says, or send it uncompressed without that header.`,
        ),
        { statusCode: 400, code: 'LW_BAD_COMPRESSED_BODY' },
      ),
    );
  });
  body.on('close', () => {
    raw.unpipe(decoder);
    decoder.destroy();
    raw.resume();
  });
  raw.pipe(decoder).pipe(body);
  return body;
}

/**
 * Request bodies are UTF-8 JSON, sent as is or compressed with gzip or deflate. A JSON body declared
 * in another charset, or compressed otherwise, gets a 415 before it is read: decoding it as UTF-8
 * would hand the classifier garbled values, and parsing compressed bytes as JSON a misleading error.
 */
export default fp(
  async (app) => {
    const limit = app.initialConfig.bodyLimit ?? 0;
    app.addHook('preParsing', async (request, _reply, payload) => {
      if (!hasBody(request)) return payload;
      const charset = jsonCharset(request.headers['content-type']);
      if (charset !== undefined && !UTF8_NAMES.includes(charset)) {
        throw unsupported(
          `The body is declared as charset ${quoted(charset)}. Send UTF-8 encoded JSON: Content-Type: application/json (or application/json; charset=utf-8).`,
        );
      }
      const codings = contentCodings(request.headers['content-encoding']);
      if (codings.length === 0) return payload;
      const coding = codings[0] as string;
      if (codings.length > 1 || !DECODED_ENCODINGS.includes(coding)) {
        throw unsupported(
          `The body is compressed as ${quoted(codings.join(', '))}, which the sidecar does not decompress. Send it uncompressed, or compressed once with Content-Encoding: gzip or deflate.`,
        );
      }
      return decompressedBody(payload, coding, limit);
    });
  },
  { name: 'body-encoding' },
);
