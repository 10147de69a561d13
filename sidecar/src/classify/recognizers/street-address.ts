import { definePatternRecognizer } from './pattern-recognizer.js';

const WORD = String.raw`\p{Lu}[\p{L}'’.-]*`;
const PARTICLES = String.raw`(?:(?:de|du|des|la|le|les|l'|d'|del|los|las|di|della|dei|degli|van|der|den)[ \t]+)*`;

const STREET_TYPES = 'Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Boulevard|Blvd|Court|Ct|Place|Square|Close|Way|Terrace|Parkway|Crescent|Hill|Gardens';
/** German and Dutch street words, and the Nordic ones customers abroad write (Danish vej/gade, Swedish gatan/vägen, Norwegian veien/gate, Icelandic gata, Finnish katu/kuja/tie). */
const STREET_SUFFIXES = String.raw`straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|straat|laan|plein|gracht|singel|dijk|kade|steeg|vej|gade|gatan|gata|vägen|veien|vegen|katu|kuja|tie`;

/**
 * Street addresses in the local order ("12 Baker Street", "Hauptstraße 12", "8 rue de la Paix", "Via Roma 5",
 * "Rua Diadema 1903", "Rue de Piétrain 371", "Vesterskovvej 79"),
 * apartment and suite numbers, and military post addresses. `hint`, where given, is a cheap expression every match
 * of `regex` satisfies: the scan runs only when it does.
 */
const ADDRESSES: Array<{ regex: RegExp; hint?: RegExp }> = [
  {
    regex: new RegExp(String.raw`(?<![\p{L}\p{N}])\d{1,5}[ \t]+(?:${WORD}[ \t]+){1,3}(?:${STREET_TYPES})\b\.?`, 'gu'),
    hint: new RegExp(String.raw`[ \t](?:${STREET_TYPES})\b`),
  },
  {
    regex: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${WORD}[ \t-]+){0,2}\p{Lu}[\p{L}-]*(?:${STREET_SUFFIXES})[ \t]+\d{1,4}[a-z]?(?![\p{L}\p{N}])`, 'gu'),
    hint: new RegExp(String.raw`(?:${STREET_SUFFIXES})[ \t]+\d`),
  },
  {
    regex: new RegExp(
      String.raw`(?<![\p{L}\p{N}])\d{1,4}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?:rue|avenue|boulevard|place|chemin|allée|impasse|quai|route|cours)[ \t]+${PARTICLES}${WORD}(?:[ \t]+${PARTICLES}${WORD}){0,3}`,
      'giu',
    ),
  },
  {
    regex: new RegExp(String.raw`(?<![\p{L}\p{N}.,:/-])\d{3,5}[ \t]+${WORD}(?:[ \t]+${PARTICLES}${WORD}){0,2}[ \t]+\d{1,4}(?![\p{L}\p{N}]|[.,:/-]\d)`, 'gu'),
    hint: /\d{3}[ \t]+\p{Lu}/u,
  },
  { regex: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:Apt|Apartment|Suite|Unit|Wohnung|Appartement|Piso|Interno)\.?[ \t]+\d{1,5}(?![\p{L}\p{N}])`, 'gu') },
  { regex: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:FPO|APO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}(?![\p{L}\p{N}])`, 'gu'), hint: /PO[ \t]/ },
  {
    regex: new RegExp(
      String.raw`(?<![\p{L}\p{N}])(?:Calle|Avenida|Avda\.|Paseo|Plaza|Carrer|Ronda|Via|Viale|Corso|Piazza|Vicolo|Largo|Piazzale|Rua|Rúa|Travessa|Rue|Chaussée)[ \t]+${PARTICLES}${WORD}(?:[ \t]+${PARTICLES}${WORD}){0,3},?[ \t]*\d{1,4}(?![\p{L}\p{N}])`,
      'gu',
    ),
  },
];

export const streetAddress = definePatternRecognizer({
  name: 'pattern:street_address',
  type: 'LOCATION',
  needsDigit: true,
  patterns: ADDRESSES.map((a) => ({ ...a, score: 0.7 })),
});
