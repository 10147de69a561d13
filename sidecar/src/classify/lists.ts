import type { EntityType } from '../contract/entities.js';
import type { Span } from './span.js';

/** A value the org declares not personal (its own support address, a shop's hotline): exact text or a pattern. */
export type AllowEntry = string | RegExp;

/** A term the org always wants reported (a codename, an internal customer key format). */
export interface DenyEntry {
  type: EntityType;
  pattern: string | RegExp;
}

const fold = (s: string): string => s.normalize('NFKC').trim().toLowerCase();

export function compileAllowList(entries: readonly AllowEntry[]): (value: string) => boolean {
  const exact = new Set(entries.filter((e): e is string => typeof e === 'string').map(fold));
  const patterns = entries.filter((e): e is RegExp => e instanceof RegExp).map((p) => new RegExp(p.source, p.flags.replace(/[gy]/g, '')));
  if (exact.size === 0 && patterns.length === 0) return () => false;
  return (value) => exact.has(fold(value)) || patterns.some((p) => p.test(value));
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileDenyList(entries: readonly DenyEntry[]): (text: string) => Span[] {
  const compiled = entries.map((e) => ({
    type: e.type,
    re:
      typeof e.pattern === 'string'
        ? new RegExp(`(?<![\\p{L}\\p{N}])${escape(e.pattern)}(?![\\p{L}\\p{N}])`, 'giu')
        : new RegExp(e.pattern.source, e.pattern.flags.includes('g') ? e.pattern.flags : `${e.pattern.flags}g`),
  }));
  return (text) => {
    const out: Span[] = [];
    for (const { type, re } of compiled) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex += 1;
          continue;
        }
        out.push({ type, start: m.index, end: m.index + m[0].length, score: 1, detector: 'list:deny' });
      }
    }
    return out;
  };
}
