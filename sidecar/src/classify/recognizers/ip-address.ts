import { isIPv4, isIPv6 } from 'node:net';
import { versionEvidence } from '../context.js';
import { matchAll, type Recognizer, type Span } from '../span.js';

const V4 = /(?<![\p{L}\p{N}.])(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?(?![\p{L}\p{N}])/gu;
const V6 =
  /(?<![\p{L}\p{N}:])(?:[0-9A-Fa-f]{1,4}:|:)(?::|[0-9A-Fa-f]{0,4}:)*(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%[A-Za-z0-9]+)?(?:\/\d{1,3})?(?![\p{L}\p{N}:])/gu;
/** A cheap necessary condition for an IPv4 match: four dotted digit groups. */
const MAYBE_V4 = /\d\.\d{1,3}\.\d{1,3}\.\d/;
/** An IPv6 address ending in dotted digits: the one shape reported without '::' or seven colons. */
const V4_AFTER_COLON = /:(?:\d{1,3}\.){3}\d/;
/** A dotted number that may be a version ("upgraded the app to 3.2.1.0"): reported only with network context. */
const MAYBE_VERSION_SCORE = 0.35;

function v4Valid(raw: string): boolean {
  const [address, prefix] = raw.split('/');
  return isIPv4(address!) && (prefix === undefined || Number(prefix) <= 32);
}

function v6Valid(raw: string): boolean {
  const [withZone, prefix] = raw.split('/');
  const address = withZone!.split('%')[0]!;
  if (!isIPv6(address) || (prefix !== undefined && Number(prefix) > 128)) return false;
  return address !== '::' || prefix !== undefined;
}

/** Every reported IPv6 match holds '::', seven colons or an IPv4 tail right after a colon. */
function mayHoldV6(text: string): boolean {
  if (text.includes('::')) return true;
  let colons = 0;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) colons += 1;
  return colons >= 7 || V4_AFTER_COLON.test(text);
}

export const ipAddress: Recognizer = {
  name: 'pattern:ip_address',
  find(text) {
    const out: Span[] = [];
    const taken: Array<[number, number]> = [];
    if (text.includes(':') && mayHoldV6(text)) {
      for (const m of matchAll(V6, text)) {
        if (!m[0].includes('::') && m[0].split(':').length < 8 && !/\.\d+$/.test(m[0])) continue;
        if (!v6Valid(m[0])) continue;
        out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.85, detector: this.name });
        taken.push([m.index, m.index + m[0].length]);
      }
    }
    if (!MAYBE_V4.test(text)) return out;
    for (const m of matchAll(V4, text)) {
      const end = m.index + m[0].length;
      if (taken.some(([s, e]) => m.index >= s && end <= e)) continue;
      if (!v4Valid(m[0])) continue;
      const version = versionEvidence(text, m.index, end);
      if (version === 'named') continue;
      out.push({ type: 'IP_ADDRESS', start: m.index, end, score: version ? MAYBE_VERSION_SCORE : 0.8, detector: this.name });
    }
    return out;
  },
};
