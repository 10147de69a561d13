/** The six languages the context words and regional defaults cover. */
export type Language = 'en' | 'de' | 'fr' | 'es' | 'it' | 'nl';

const STOPWORDS: Record<Language, string[]> = {
  en: ['the', 'and', 'is', 'my', 'to', 'of', 'for', 'with', 'please', 'you'],
  de: ['der', 'die', 'und', 'ist', 'nicht', 'mit', 'ich', 'bitte', 'sie', 'das'],
  fr: ['le', 'la', 'les', 'et', 'est', 'je', 'vous', 'pour', 'avec', 'des'],
  es: ['el', 'los', 'y', 'es', 'que', 'por', 'con', 'mi', 'para', 'una'],
  it: ['il', 'gli', 'e', 'è', 'che', 'per', 'con', 'mio', 'sono', 'della'],
  nl: ['de', 'het', 'en', 'een', 'ik', 'van', 'niet', 'met', 'mijn', 'voor'],
};

const INDEX = new Map<string, Language[]>();
for (const [lang, words] of Object.entries(STOPWORDS) as Array<[Language, string[]]>) {
  for (const w of words) INDEX.set(w, [...(INDEX.get(w) ?? []), lang]);
}

/** The most likely of the six languages from the stop words of the text's start, or null when nothing decides. */
export function guessLanguage(text: string): Language | null {
  const counts = new Map<Language, number>();
  const words =
    text
      .slice(0, 600)
      .toLowerCase()
      .match(/\p{L}+/gu) ?? [];
  for (const w of words) {
    for (const lang of INDEX.get(w) ?? []) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  let best: Language | null = null;
  let bestCount = 0;
  for (const [lang, n] of counts) {
    if (n > bestCount) {
      best = lang;
      bestCount = n;
    }
  }
  return best;
}
