import { describe, expect, it } from 'vitest';
import { RECOGNIZERS } from '../../src/classify/recognizers/index.js';

/**
 * Recognizers skip their scans when a cheap necessary condition is absent from the text. These finds sit at the
 * edges of those conditions (case, separators, the rarer shapes of an expression): each must still be reported.
 */
const finds = (detector: string, text: string): string[] =>
  RECOGNIZERS.find((r) => r.name === detector)!
    .find(text)
    .map((s) => text.slice(s.start, s.end));

describe('recognizer prefilters', () => {
  it.each([
    ['pattern:ip_address', 'host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ['pattern:ip_address', 'loopback ::1 only', '::1'],
    ['pattern:ip_address', 'from 10.0.0.1/24 at night', '10.0.0.1/24'],
    ['pattern:url', 'Visit WWW.Example.org today', 'WWW.Example.org'],
    ['pattern:url', 'Mirror at FTP://files.example.net/pub', 'FTP://files.example.net/pub'],
    ['pattern:crypto', 'send to BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 now', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4'],
    ['pattern:crypto', 'wallet 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    ['pattern:date_of_birth', 'born on 3 March 1985', '3 March 1985'],
    ['pattern:date_of_birth', 'geboren am 1.2.85', '1.2.85'],
    ['pattern:date_of_birth', 'DOB 1985-03-12', '1985-03-12'],
    ['pattern:uk_nino', 'ni number ab 12 34 56 c', 'ab 12 34 56 c'],
    ['pattern:street_address', 'Lieferung an Hauptstraße 12 bitte', 'Hauptstraße 12'],
    ['pattern:street_address', 'ship to 221 Baker Street, London', '221 Baker Street'],
    ['pattern:street_address', 'PSC 1234, FPO AE 09499', 'FPO AE 09499'],
    ['pattern:street_address', 'Keizersgracht 1234 Amsterdam 12', 'Keizersgracht 1234'],
    ['pattern:secret', 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345', 'abcdefghijklmnopqrstuvwxyz012345'],
    ['pattern:secret', 'key AKIAIOSFODNN7EXAMPLE leaked', 'AKIAIOSFODNN7EXAMPLE'],
  ])('%s reports the find in %j', (detector, text, expected) => {
    expect(finds(detector, text)).toContain(expected);
  });

  it.each([
    ['pattern:ip_address', 'at 10:40:18 and 11:02:55'],
    ['pattern:url', 'no link here, only text'],
    ['pattern:crypto', 'order 0x12 and bc 1'],
    ['pattern:date_of_birth', 'room 12, floor 3, since 1985'],
    ['pattern:secret', 'the bearer of bad news'],
  ])('%s finds nothing in %j', (detector, text) => {
    expect(finds(detector, text)).toEqual([]);
  });
});
