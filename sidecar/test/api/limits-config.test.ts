import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, loadConfig } from '../../src/config.js';
import { VALID_ENV } from './config-env.js';

const VALID = VALID_ENV;

describe('limits of the API listener, from the environment', () => {
  it('defaults to 5 MB bodies, 10 s for headers, 30 s for a request, 5 s keep-alive, 120 s idle, 1,000 requests a connection', () => {
    expect(loadConfig(VALID).http).toEqual({
      bodyLimitBytes: 5 * 1024 * 1024,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      socketTimeoutMs: 120_000,
      maxRequestsPerSocket: 1_000,
    });
    expect(loadConfig(VALID).http).toEqual(DEFAULT_HTTP_LIMITS);
  });

  it('reads every limit', () => {
    const config = loadConfig({
      ...VALID,
      LEAKWATCH_BODY_LIMIT_BYTES: '1048576',
      LEAKWATCH_HEADERS_TIMEOUT_MS: '2000',
      LEAKWATCH_REQUEST_TIMEOUT_MS: '60000',
      LEAKWATCH_KEEP_ALIVE_TIMEOUT_MS: '65000',
      LEAKWATCH_SOCKET_TIMEOUT_MS: '90000',
      LEAKWATCH_MAX_REQUESTS_PER_SOCKET: '0',
    });
    expect(config.http).toEqual({
      bodyLimitBytes: 1_048_576,
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 65_000,
      socketTimeoutMs: 90_000,
      maxRequestsPerSocket: 0,
    });
  });

  it.each([
    [{ LEAKWATCH_BODY_LIMIT_BYTES: '1000' }, /^LEAKWATCH_BODY_LIMIT_BYTES must be >= 65536 \(got 1000\)$/],
    [{ LEAKWATCH_BODY_LIMIT_BYTES: '5MB' }, /^LEAKWATCH_BODY_LIMIT_BYTES must be integer/],
    [{ LEAKWATCH_REQUEST_TIMEOUT_MS: '0' }, /^LEAKWATCH_REQUEST_TIMEOUT_MS must be >= 100/],
    [{ LEAKWATCH_SOCKET_TIMEOUT_MS: '86400000' }, /^LEAKWATCH_SOCKET_TIMEOUT_MS must be <= 3600000/],
    [{ LEAKWATCH_KEEP_ALIVE_TIMEOUT_MS: '-1' }, /^LEAKWATCH_KEEP_ALIVE_TIMEOUT_MS must be >= 100/],
    [{ LEAKWATCH_MAX_REQUESTS_PER_SOCKET: '-5' }, /^LEAKWATCH_MAX_REQUESTS_PER_SOCKET must be >= 0/],
    [
      { LEAKWATCH_HEADERS_TIMEOUT_MS: '40000', LEAKWATCH_REQUEST_TIMEOUT_MS: '30000' },
      /^LEAKWATCH_HEADERS_TIMEOUT_MS must be at most LEAKWATCH_REQUEST_TIMEOUT_MS/,
    ],
  ])('rejects %o', (variables, message) => {
    expect(() => loadConfig({ ...VALID, ...variables })).toThrow(message);
  });
});
