import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressedBody } from '../../src/plugins/body-encoding.js';
import { useTestApp } from './build-test-app.js';
import { AUTH, dmlEvent, envelope } from './envelopes.js';

const JSON_HEADERS = { 'content-type': 'application/json', ...AUTH };
const batch = () => Buffer.from(JSON.stringify(envelope([dmlEvent()])));

/** 64 MB of zeros gzipped (about 64 KB), repeated: a body within the limit that inflates to gigabytes. */
function zipBomb(members: number): Buffer {
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => member));
}

describe('charsets and content encodings of request bodies', () => {
  const test = useTestApp('pglite');

  const post = (payload: Buffer | string, headers: Record<string, string>) => test.app.inject({ method: 'POST', url: '/v1/events', headers, payload });

  it.each(['utf-16', 'UTF-16LE', 'iso-8859-1', 'latin1', '"windows-1252"', ''])(
    'answers 415 to JSON declared as charset=%s, asking for UTF-8',
    async (charset) => {
      const body = charset.toLowerCase().startsWith('utf-16') ? Buffer.from(batch().toString(), 'utf16le') : batch();
      const res = await post(body, { ...AUTH, 'content-type': `application/json; charset=${charset}` });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: 'Unsupported Media Type', requestId: expect.any(String) });
      expect(res.json().message).toMatch(/Send UTF-8 encoded JSON: Content-Type: application\/json/);
    },
  );

  it.each(['utf-8', 'UTF-8', 'utf8', '"utf-8"'])('accepts JSON declared as charset=%s', async (charset) => {
    const res = await post(batch(), { ...AUTH, 'content-type': `application/json; charset=${charset}` });
    expect(res.statusCode).toBe(202);
  });

  it('checks the bearer secret before the charset', async () => {
    const res = await post(batch(), { 'content-type': 'application/json; charset=utf-16' });
    expect(res.statusCode).toBe(401);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['GZIP', gzipSync],
    ['identity', (b: Buffer) => b],
  ])('decompresses a body sent with Content-Encoding: %s', async (coding, compress) => {
    const res = await post(compress(batch()), { ...JSON_HEADERS, 'content-encoding': coding });
    expect(res.statusCode).toBe(202);
    expect(res.json().accepted).toBe(1);
  });

  it('answers 413 to a zip bomb', async () => {
    const bomb = zipBomb(70);
    expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
    const res = await post(bomb, { ...JSON_HEADERS, 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/larger than 5 MB \(counted after decompression when it is sent compressed\)\. Send smaller batches/);
  });

  it('stops inflating a zip bomb as soon as it passes the body limit', async () => {
    const limit = 1024 * 1024;
    const body = decompressedBody(Readable.from([zipBomb(20)]), 'gzip', limit);
    let inflated = 0;
    const error = await new Promise<Error & { code?: string }>((resolve, reject) => {
      body.on('data', (chunk: Buffer) => {
        inflated += chunk.length;
      });
      body.on('error', resolve);
      body.on('end', () => reject(new Error(`inflated all ${inflated} bytes`)));
    });
    expect(error.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    expect(inflated).toBeLessThanOrEqual(limit);
  });

  it.each([
    ['not gzip at all', 'gzip', Buffer.from('{"schemaVersion":1}')],
    ['a truncated gzip stream', 'gzip', gzipSync(Buffer.from(JSON.stringify(envelope([dmlEvent()])))).subarray(0, 40)],
    ['a corrupted deflate stream', 'deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00, 0x01, 0x02])],
  ])('answers 400 to %s, saying how to send the body', async (_name, coding, payload) => {
    const res = await post(payload, { ...JSON_HEADERS, 'content-encoding': coding });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(new RegExp(`not a valid ${coding} stream .*Compress the body with ${coding} .*or send it uncompressed`));
  });

  it.each(['br', 'compress', 'zstd', 'gzip, gzip', 'gzip, br'])('answers 415 to Content-Encoding: %s, naming the encodings it decompresses', async (coding) => {
    const res = await post(gzipSync(batch()), { ...JSON_HEADERS, 'content-encoding': coding });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toMatch(/does not decompress\. Send it uncompressed, or compressed once with Content-Encoding: gzip or deflate/);
  });

  it('checks a compressed body against its Content-Length', async () => {
    const res = await post(gzipSync(batch()), { ...JSON_HEADERS, 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(202);
    const body = gzipSync(batch());
    const wrong = await test.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...JSON_HEADERS, 'content-encoding': 'gzip', 'content-length': String(body.length - 5) },
      payload: body,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toMatch(/Content-Length header does not match the body/);
  });
});
