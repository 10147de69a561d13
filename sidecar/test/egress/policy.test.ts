import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EGRESS_POLICY,
  destinationOf,
  EgressConfigError,
  egressPoliciesFrom,
  hostMatches,
  loadEgressPolicies,
  type EgressPolicy,
} from '../../src/egress/policy.js';

const ORG_A = '00D5g000004Cx1aEAC';
const ORG_B = '00D5g000004Cx1bEAC';

const policy = (over: Partial<EgressPolicy> = {}): EgressPolicy => ({
  defaultAction: 'allow',
  allowedRegions: ['EU', 'EEA'],
  destinations: [],
  regions: [],
  ...over,
});

describe('host globs', () => {
  it.each([
    ['api.openai.com', 'api.openai.com', true],
    ['api.openai.com', 'API.OpenAI.com', false], // globs are normalised by the loader; hosts by destinationOf
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'evilexample.com', false],
    ['*.example.com', 'example.com.evil.net', false],
    ['*-aiplatform.googleapis.com', 'europe-west4-aiplatform.googleapis.com', true],
    ['*-aiplatform.googleapis.com', 'aiplatform.googleapis.com', false],
    ['bedrock-runtime.*.amazonaws.com', 'bedrock-runtime.eu-central-1.amazonaws.com', true],
    ['a.b.c', 'a+b+c', false],
    ['*', 'anything.at.all', true],
  ])('%s matches %s: %s', (glob, host, expected) => {
    expect(hostMatches(glob, host)).toBe(expected);
  });
});

describe('destinationOf', () => {
  it('lets the first matching rule decide, lower-cases and strips port and trailing dot', () => {
    const p = policy({
      destinations: [
        { match: 'api.example.com', action: 'block' },
        { match: '*.example.com', action: 'allow' },
      ],
    });
    expect(destinationOf(p, 'API.Example.com:443.'.replace(':443.', '.:443'))).toMatchObject({ host: 'api.example.com', action: 'block', allowListed: false });
    expect(destinationOf(p, 'files.example.com:8443')).toMatchObject({ host: 'files.example.com', action: 'allow', allowListed: true });
  });

  it('applies the default action to unmatched hosts, and default-deny blocks them', () => {
    expect(destinationOf(policy(), 'unknown.example')).toMatchObject({ action: 'allow', allowListed: false, ai: false });
    expect(destinationOf(policy({ defaultAction: 'block' }), 'unknown.example')).toMatchObject({ action: 'block', allowListed: false });
  });

  it('keeps the shipped ai flag and region when an operator rule in front names neither', () => {
    const p = { ...DEFAULT_EGRESS_POLICY, destinations: [{ match: 'api.openai.com', action: 'allow' as const }, ...DEFAULT_EGRESS_POLICY.destinations] };
    expect(destinationOf(p, 'api.openai.com')).toMatchObject({ action: 'allow', allowListed: true, ai: true, regionAllowed: false });
    expect(destinationOf(p, 'eu.api.openai.com')).toMatchObject({ ai: true, region: 'EU', regionAllowed: true });
  });

  it('resolves regions: rule, then regions list; countries lie in the EU and EEA; unknown is not allowed', () => {
    const p = policy({
      destinations: [{ match: 'x.example', region: 'DE' }],
      regions: [
        { match: '*.azure.example', region: 'US' },
        { match: 'no.example', region: 'NO' },
      ],
    });
    expect(destinationOf(p, 'x.example')).toMatchObject({ region: 'DE', regionAllowed: true });
    expect(destinationOf(p, 'r.azure.example')).toMatchObject({ region: 'US', regionAllowed: false });
    expect(destinationOf(p, 'no.example')).toMatchObject({ region: 'NO', regionAllowed: true });
    expect(destinationOf(policy({ allowedRegions: ['DE'] }), 'no.example').regionAllowed).toBe(false);
    expect(destinationOf(policy({ allowedRegions: [] }), 'no.example').regionAllowed).toBe(true);
    expect(destinationOf(DEFAULT_EGRESS_POLICY, 'bedrock-runtime.eu-central-1.amazonaws.com')).toMatchObject({ ai: true, region: 'DE', regionAllowed: true });
    expect(destinationOf(DEFAULT_EGRESS_POLICY, 'europe-west2-aiplatform.googleapis.com')).toMatchObject({ ai: true, region: 'GB', regionAllowed: false });
  });

  it('matches IDNA hosts in their punycode form', () => {
    const p = egressPoliciesFrom({ policies: [{ destinations: [{ match: '*.bücher.example', action: 'block' }] }] })(ORG_A);
    expect(destinationOf(p, 'shop.BÜCHER.example')).toMatchObject({ host: 'shop.xn--bcher-kva.example', action: 'block' });
  });
});

describe('loadEgressPolicies', () => {
  const file = (content: unknown): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'egress-')), 'egress.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('gives every org the built-in policy without a file', () => {
    expect(loadEgressPolicies(undefined)(ORG_A)).toBe(DEFAULT_EGRESS_POLICY);
  });

  it('scopes entries by org (15 or 18 characters) with one default entry, and appends the shipped AI list', () => {
    const policyFor = loadEgressPolicies(
      file({
        policies: [
          { orgs: [ORG_A.slice(0, 15)], defaultAction: 'block', destinations: [{ match: 'api.mistral.ai', action: 'allow' }] },
          { allowedRegions: [] },
        ],
      }),
    );
    expect(policyFor(ORG_A).defaultAction).toBe('block');
    expect(destinationOf(policyFor(ORG_A), 'api.mistral.ai')).toMatchObject({ action: 'allow', ai: true });
    expect(policyFor(ORG_B)).toMatchObject({ defaultAction: 'allow', allowedRegions: [] });
  });

  it.each([
    ['not JSON', '{', /LEAKWATCH_EGRESS_FILE .*egress.json/],
    ['no policies', {}, /expected \{"policies"/],
    [
      'a bad action',
      { policies: [{ destinations: [{ match: 'a.example', action: 'deny' }] }] },
      /\$\.policies\[0\]\.destinations\[0\]\.action must be allow, redact or block/,
    ],
    ['a regex in a glob', { policies: [{ destinations: [{ match: '(a|b).*' }] }] }, /\$\.policies\[0\]\.destinations\[0\]\.match must be a host or host glob/],
    ['a URL as glob', { policies: [{ destinations: [{ match: 'https://a.example/' }] }] }, /destinations\[0\]\.match/],
    ['an unknown setting', { policies: [{ defaultActon: 'block' }] }, /\$\.policies\[0\]\.defaultActon is not a setting/],
    ['two default entries', { policies: [{}, {}] }, /only one entry may omit "orgs"/],
    ['an org twice', { policies: [{ orgs: [ORG_A] }, { orgs: [ORG_A.slice(0, 15)] }] }, /\$\.policies\[1\]\.orgs\[0\]: org .* is in an earlier entry/],
    ['a bad org id', { policies: [{ orgs: ['005x'] }] }, /orgs\[0\] must be a Salesforce Organization id/],
    ['a bad threshold', { policies: [{ blockAtFindings: 0 }] }, /blockAtFindings must be a positive integer/],
    ['a bad region', { policies: [{ allowedRegions: ['E U'] }] }, /allowedRegions\[0\]/],
  ])('refuses %s, naming where', (_name, content, message) => {
    const path = file(content);
    expect(() => loadEgressPolicies(path)).toThrow(EgressConfigError);
    expect(() => loadEgressPolicies(path)).toThrow(message);
  });
});
