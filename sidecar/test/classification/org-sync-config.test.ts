import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { VALID_ENV } from '../api/config-env.js';

describe('the org sync intervals in the configuration', () => {
  it('publishes flows every 5 minutes and suggestions hourly, and applies nothing by default', () => {
    expect(loadConfig(VALID_ENV).orgSync).toEqual({ flowsEveryMs: 300_000, suggestEveryMs: 3_600_000 });
  });

  it('applies approvals every minute with LEAKWATCH_CLASSIFY_APPLY=on', () => {
    expect(loadConfig({ ...VALID_ENV, LEAKWATCH_CLASSIFY_APPLY: 'on' }).orgSync).toEqual({
      flowsEveryMs: 300_000,
      suggestEveryMs: 3_600_000,
      applyEveryMs: 60_000,
    });
  });

  it('takes other intervals, and applies nothing with LEAKWATCH_CLASSIFY_APPLY=off', () => {
    const config = loadConfig({ ...VALID_ENV, LEAKWATCH_FLOWS_PUBLISH_MS: '60000', LEAKWATCH_CLASSIFY_SUGGEST_MS: '120000', LEAKWATCH_CLASSIFY_APPLY: 'off' });
    expect(config.orgSync).toEqual({ flowsEveryMs: 60_000, suggestEveryMs: 120_000 });
  });

  it('refuses intervals below a second, naming the variable', () => {
    expect(() => loadConfig({ ...VALID_ENV, LEAKWATCH_FLOWS_PUBLISH_MS: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...VALID_ENV, LEAKWATCH_CLASSIFY_APPLY_MS: '0' })).toThrow(/LEAKWATCH_CLASSIFY_APPLY_MS/);
    expect(() => loadConfig({ ...VALID_ENV, LEAKWATCH_CLASSIFY_APPLY: 'yes' })).toThrow(/LEAKWATCH_CLASSIFY_APPLY/);
  });
});
