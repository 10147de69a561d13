import { matchAll, type Recognizer, type Span } from '../span.js';

const WORD = String.raw`\p{Lu}[\p{L}'’]*\p{Ll}(?:-\p{Lu}?[\p{L}'’]*\p{Ll})*`;
/** One to three capitalised name words ("McCullough", "O'Neill", "Mills-Parisian"; a middle initial allowed), with the particles of the six languages between them. */
const NAME = String.raw`(?!(?:Mr|Mrs|Ms|Dr|Prof|Sr|Sra|Sig|Dhr|Mevr|Mme|Mlle)\.)${WORD}(?:[ \t]+\p{Lu}\.?(?!\p{L}))?(?:[ \t]+(?:(?:van|de|der|den|von|di|da|del|della|la|le|du|ter|ten)[ \t]+)*${WORD}){0,2}`;

/** Words that follow a greeting but are no name ("Sehr geehrte Damen und Herren", "Dear Sir or Madam"). */
const NOT_NAMES = String.raw`(?:Damen|Herren|Team|Sir|Madam|Madame|Monsieur|Messieurs|Mesdames|Señor|Señora|Señores|Signori|Signore|Signora|Kunde|Kundin|Kollege|Kollegin|Support|Service|Klant|Heer|Mevrouw|Dame|All|Everyone|There)`;

/** Capitalised articles and pronouns of the six languages: a sentence or a clause that opens with one names nobody. */
const ARTICLE = '(?:The|A|An|Der|Die|Das|Le|La|Les|Un|Une|El|Los|Las|Il|Lo|Gli|De|Het|Een)';
const PRONOUN = '(?:He|She|It|They|We|You|This|That|Er|Sie|Es|Elle|On|Ella|Lei|Lui|Hij|Zij|Ze)';

/** Honorifics and self-introductions in EN, DE, FR, ES, IT, NL: the capitalised words after them are a name. */
const CUES: Array<{ re: RegExp; score: number }> = [
  {
    re: new RegExp(
      String.raw`(?<![\p{L}])(?:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Frau|Mme|Mlle|Monsieur|Madame|Sr|Sra|Srta|Señor|Señora|Sig|Sig\.ra|Signor|Signora|Dott|Dhr|Mevr|Mevrouw|Meneer)\.?[ \t]+(${NAME})`,
      'gu',
    ),
    score: 0.75,
  },
  {
    re: new RegExp(
      String.raw`(?<![\p{L}])(?:(?:[Mm]y|[Hh]is|[Hh]er|[Yy]our) (?:(?:first|last|full|maiden|middle|given) )?name is|[Ww]hat's your (?:(?:first|last|full) )?name\?|[Mm]ein (?:Vorname|Nachname|Geburtsname|Mädchenname) ist|[Mm]on (?:prénom|nom de famille|nom de jeune fille) est|[Mm]i (?:apellido|nombre completo) es|[Ii]l mio cognome è|[Mm]ijn (?:achternaam|voornaam|meisjesnaam) is|[Ii] am|I'm|[Tt]his is|[Ii]ch bin|[Ii]ch heiße|[Mm]ein Name ist|[Jj]e m'appelle|[Jj]e m’appelle|[Jj]e suis|[Mm]e llamo|[Ss]oy|[Mm]i nombre es|[Mm]i chiamo|[Ss]ono|[Mm]ijn naam is|[Ii]k ben|[Ii]k heet)[ \t]+(${NAME})`,
      'gu',
    ),
    score: 0.7,
  },
  {
    re: new RegExp(
      String.raw`(?<![\p{L}])(?:Name|Full name|Customer name|Nom|Nom complet|Nombre|Nome|Naam|Kundenname|Ansprechpartner|Contact)[ \t]*:[ \t]*(${NAME})`,
      'gu',
    ),
    score: 0.75,
  },
  {
    re: new RegExp(
      String.raw`(?<![\p{L}])(?:Dear|Hi|Hello|Hallo|Liebe|Lieber|Sehr geehrte|Sehr geehrter|Cher|Chère|Estimado|Estimada|Hola|Gentile|Caro|Cara|Ciao|Beste|Geachte|Hoi|calls me|named|called)[ \t]+(?:(?:Mr|Mrs|Ms|Dr|Herr|Frau|Mme|M|Sr|Sra|Sig|Dhr|Mevr)\.?[ \t]+)?(?!${NOT_NAMES}(?!\p{L}))(${NAME})`,
      'gu',
    ),
    score: 0.65,
  },
  {
    re: new RegExp(
      String.raw`(?<![\p{L}])(?:Regards|Best regards|Kind regards|Thanks|Cheers|Sincerely|Mit freundlichen Grüßen|Viele Grüße|Gruß|Cordialement|Bien à vous|Saludos|Atentamente|Cordiali saluti|Distinti saluti|Grazie|Met vriendelijke groet|Groet|Groeten)[,!.]?[ \t]*\n?[ \t]*(${NAME})`,
      'gu',
    ),
    score: 0.7,
  },
  {
    // Speech attributed after the quote: ", says Gerste." / « … », dit Lemaire / „…", sagt Weiß.
    re: new RegExp(
      String.raw`["”»“][ \t]*,?[ \t]*(?:says|said|recalls|recalled|adds|added|explains|explained|writes|wrote|asks|asked|replies|replied|sagt|sagte|erklärt|erklärte|fragt|fragte|schreibt|dit|a dit|explique|ajoute|écrit|demande|dice|dijo|explica|añade|recuerda|escribe|pregunta|ha detto|spiega|aggiunge|ricorda|scrive|chiede|zegt|zei|legt uit|voegt toe|schrijft|vraagt)[ \t]+(?!${ARTICLE}[ \t])(${NAME})(?=[ \t]*(?:[.,;:!?]|$))`,
      'gu',
    ),
    score: 0.7,
  },
  {
    // Who lives where, at the start of a sentence: "Caitlin Lennox lives at 846 Rue …", "Jan Smit woont aan de …".
    re: new RegExp(
      String.raw`(?:^|[.!?][ \t]+|\n[ \t]*)(?!(?:${ARTICLE}|${PRONOUN})[ \t])(?!${NOT_NAMES}[ \t])(${NAME})(?=[ \t]+(?:lives|lived|wohnt|wohnte|habite|habitait|vive|vivía|abita|abitava|woont|woonde)[ \t]+(?:at|on|in|an|am|auf|à|au|aux|en|a|op|aan|bij)(?![\p{L}]))`,
      'gu',
    ),
    score: 0.7,
  },
];

/** Names announced by the words around them; the model finds the rest. */
export const personCue: Recognizer = {
  name: 'pattern:person',
  find(text) {
    const out: Span[] = [];
    for (const { re, score } of CUES) {
      for (const m of matchAll(re, text)) {
        const name = m[1]!;
        const start = m.index + m[0].length - name.length;
        out.push({ type: 'PERSON', start, end: start + name.length, score, detector: this.name });
      }
    }
    return out;
  },
};
