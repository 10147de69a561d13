import { describe, expect, it } from 'vitest';
import { audienceFor } from '../../src/writeback/jwt.js';
import { classifyError } from '../../src/writeback/index.js';

const apiError = (errorCode: string) => Object.assign(new Error('message'), { name: errorCode, errorCode });

describe('classifying whole-request failures', () => {
  it.each([
    ['SERVER_UNAVAILABLE', true],
    ['REQUEST_LIMIT_EXCEEDED', true],
    ['UNABLE_TO_LOCK_ROW', true],
    ['ERROR_HTTP_502', true],
    ['ERROR_HTTP_429', true],
    ['ERROR_HTTP_404', false],
    ['INVALID_FIELD', false],
    ['JSON_PARSER_ERROR', false],
    ['invalid_grant', false],
  ])('%s retryable: %s', (code, retryable) => {
    expect(classifyError(apiError(code))).toMatchObject({ code, retryable });
  });

  it('treats socket errors found in the cause chain as retryable network errors', () => {
    const fetchFailure = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyError(fetchFailure)).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
  });

  it('treats aborts and timeouts as retryable', () => {
    expect(classifyError(new DOMException('aborted', 'TimeoutError'))).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('picks the JWT audience Salesforce expects for production, sandbox and other hosts', () => {
    expect(audienceFor('https://acme.my.salesforce.com')).toBe('https://login.salesforce.com');
    expect(audienceFor('https://acme--uat.sandbox.my.salesforce.com')).toBe('https://test.salesforce.com');
    expect(audienceFor('http://127.0.0.1:8790')).toBe('http://127.0.0.1:8790');
  });
});
