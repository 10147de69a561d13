import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncidentState } from '../incidents/correlate.js';
import { summaryOf, timelineOf } from '../incidents/incident-record.js';
import { deadlinesFrom, type Deadlines } from './clocks.js';
import { awarenessOf } from '../incidents/awareness.js';

/**
 * Drafts of the reports a DPO or CISO sends about an incident, written from the incident as the
 * sidecar stores it (masked usernames, counts, categories, never a field value): the GDPR Art. 33
 * notification to the supervisory authority and the NIS2 Art. 23(4) early warning, incident
 * notification and final report. Templates are Markdown files an administrator can replace, file
 * by file, from a directory of their own; `sidecar/templates/drafts/README.md` documents them.
 */
export const DRAFT_NAMES = ['gdpr-art33', 'nis2-early-warning', 'nis2-notification', 'nis2-final-report'] as const;
export type DraftName = (typeof DRAFT_NAMES)[number];

/** English is always shipped; German where a template exists. */
export const DRAFT_LANGUAGES = ['en', 'de'] as const;
export type DraftLanguage = (typeof DRAFT_LANGUAGES)[number];

/** Markdown as written, or the same set as a PDF. */
export const DRAFT_FORMATS = ['md', 'pdf'] as const;
type DraftFormat = (typeof DRAFT_FORMATS)[number];

/** The deadline each draft is due by. */
const DRAFT_DEADLINES: Record<DraftName, keyof Deadlines> = {
  'gdpr-art33': 'gdprAuthorityBy',
  'nis2-early-warning': 'nis2EarlyWarningBy',
  'nis2-notification': 'nis2NotificationBy',
  'nis2-final-report': 'nis2FinalReportBy',
};

/** The templates shipped with the sidecar: `<lang>/<draft>.md`. */
export const SHIPPED_DRAFTS_DIR = fileURLToPath(new URL('../../templates/drafts/', import.meta.url));

/** What a template may say between double braces, and what each becomes. */
export const PLACEHOLDERS = {
  title: "The incident's one-line title (names at most a masked username).",
  incidentKey: "The incident's key (Incident__c.IncidentKey__c).",
  revision: "The incident's revision the draft was written from.",
  severity: 'The severity Leakwatch assessed: Critical, High, Medium or Low.',
  detectedAt: 'When Leakwatch detected the incident: the awareness the clocks count from.',
  firstEventAt: 'When the first flagged activity happened.',
  lastVerdictAt: 'When the latest flagged activity happened.',
  generatedAt: 'When the draft was written.',
  deadline:
    "The draft's own deadline: 72 hours (GDPR, NIS2 notification), 24 hours (NIS2 early warning) or one month after the notification (NIS2 final report).",
  dataCategories: 'The personal-data categories found (EMAIL_ADDRESS, PHONE_NUMBER, ...), or a blank to complete.',
  estimatedRecords: 'Records in the flagged activity: a floor.',
  estimatedSubjects: 'Records of people (Contacts, Leads, users, person accounts) in the flagged activity: a floor.',
  systems: 'Objects and connected apps involved.',
  actors: 'Accounts that acted, masked.',
  verdictCount: 'How many flagged activities the incident holds.',
  summary: 'What Leakwatch observed, in a few lines and a list of the strongest reasons (in English).',
  timeline: 'The incident as a dated list, oldest first (at most 40 entries).',
  indicators: 'What identifies the activity: connected apps, masked accounts, sessions counted, detection reasons.',
  dpoContact: 'The DPO or other contact point when the sidecar is told it, else a blank to complete.',
} as const;
type Placeholder = keyof typeof PLACEHOLDERS;

const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(PLACEHOLDERS, name);

/** `{{name}}`, spaces inside the braces allowed. Nothing else is interpreted: a template cannot run code. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** A template's placeholders checked: an unknown or unclosed one names the file and line. */
function checkTemplate(text: string, file: string): void {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const match of line.matchAll(PLACEHOLDER)) {
      const name = (match[1] ?? '').trim();
      if (!isPlaceholder(name)) {
        throw new Error(`${file}, line ${i + 1}: unknown placeholder {{${name}}}. Known placeholders: ${Object.keys(PLACEHOLDERS).join(', ')}.`);
      }
    }
    if (/\{\{|\}\}/.test(line.replace(PLACEHOLDER, '')))
      throw new Error(`${file}, line ${i + 1}: "{{" or "}}" without its other half; write placeholders as {{name}}.`);
  });
}

/** Replaces each placeholder once; values are inserted as they are and never read again as template text. */
function renderTemplate(text: string, values: Record<Placeholder, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name.trim() as Placeholder]);
}

export interface DraftTemplates {
  /** The template text of a draft in a language, if there is one. */
  get(name: DraftName, lang: DraftLanguage): string | undefined;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} cannot be read: ${(error as Error).message}`);
  }
}

interface LoadDraftTemplatesOptions {
  /** An administrator's templates, `<dir>/<lang>/<draft>.md`: each file present replaces the shipped one. */
  dir?: string;
  /** Default `SHIPPED_DRAFTS_DIR`. */
  shippedDir?: string;
}

/**
 * Reads every draft template once: the administrator's file where there is one, else the shipped
 * file. Fails with the file's name when a template uses a placeholder the sidecar does not know,
 * when the directory cannot be read, or when a draft has no English template.
 */
export async function loadDraftTemplates(options: LoadDraftTemplatesOptions = {}): Promise<DraftTemplates> {
  const shippedDir = options.shippedDir ?? SHIPPED_DRAFTS_DIR;
  if (
    options.dir !== undefined &&
    !(await stat(options.dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new Error(`The drafts directory ${options.dir} does not exist or is not a directory.`);
  const templates = new Map<string, string>();
  for (const lang of DRAFT_LANGUAGES) {
    for (const name of DRAFT_NAMES) {
      const own = options.dir === undefined ? undefined : join(options.dir, lang, `${name}.md`);
      const ownText = own === undefined ? undefined : await readIfPresent(own);
      const shipped = join(shippedDir, lang, `${name}.md`);
      const [file, text] = ownText !== undefined && own !== undefined ? [own, ownText] : [shipped, await readIfPresent(shipped)];
      if (text === undefined) {
        if (lang === 'en') throw new Error(`${shipped}: the English template of the ${name} draft is missing.`);
        continue;
      }
      checkTemplate(text, file);
      templates.set(`${lang}/${name}`, text);
    }
  }
  return { get: (name, lang) => templates.get(`${lang}/${name}`) };
}

/** The words a draft needs beyond its template, per language. */
const WORDS: Record<
  DraftLanguage,
  {
    locale: string;
    dpoBlank: string;
    categoriesBlank: string;
    deadlineBlank: string;
    none: string;
    more: (n: number) => string;
    app: string;
    account: string;
    sessions: string;
    reasons: string;
  }
> = {
  en: {
    locale: 'en-GB',
    dpoBlank: '[to be completed: name and contact details of the data protection officer or other contact point where more information can be obtained]',
    categoriesBlank: '[to be completed: no personal-data category was recognised; name the categories concerned]',
    deadlineBlank: '[to be completed: the deadline runs from when the DPO confirms the breach]',
    none: 'none recorded',
    more: (n) => `... and ${n} more entries`,
    app: 'Connected app',
    account: 'Account (masked)',
    sessions: 'Sessions involved',
    reasons: 'Detection reasons',
  },
  de: {
    locale: 'de-DE',
    dpoBlank: '[zu ergänzen: Name und Kontaktdaten des Datenschutzbeauftragten oder einer sonstigen Anlaufstelle für weitere Informationen]',
    categoriesBlank: '[zu ergänzen: keine Kategorie personenbezogener Daten erkannt; betroffene Kategorien angeben]',
    deadlineBlank: '[zu ergänzen: die Frist läuft ab der Bestätigung der Verletzung durch den Datenschutzbeauftragten]',
    none: 'keine erfasst',
    more: (n) => `... und ${n} weitere Einträge`,
    app: 'Verbundene App',
    account: 'Konto (maskiert)',
    sessions: 'Beteiligte Sitzungen',
    reasons: 'Erkennungsgründe',
  },
};

const TIMELINE_ENTRIES = 40;

/** `2026-03-02 08:00 UTC`: unambiguous in either language. */
const formatTime = (iso: string): string => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

interface DraftOptions {
  lang: DraftLanguage;
  /** When the draft is written. */
  now: Date;
  /** The DPO or other contact point, as configured; absent: a blank to complete. */
  dpoContact?: string;
}

/** Every placeholder's value for one draft of an incident, from its stored (masked) state. */
function draftValues(state: IncidentState, name: DraftName, options: DraftOptions): Record<Placeholder, string> {
  const words = WORDS[options.lang];
  const awareness = awarenessOf(state);
  const count = (n: number) => new Intl.NumberFormat(words.locale).format(n);
  const list = (items: readonly string[]) => (items.length ? items.join(', ') : words.none);
  const timeline = timelineOf(state);
  const shown = timeline.slice(0, TIMELINE_ENTRIES).map((t) => `- ${formatTime(t.at)}: ${t.what} (${t.who})`);
  const codes = [...new Set(state.verdicts.flatMap((v) => v.codes))].sort();
  const indicators = [
    ...state.apps.map((a) => `- ${words.app}: ${a}`),
    ...state.actorNames.map((a) => `- ${words.account}: ${a}`),
    ...(state.sessions.length ? [`- ${words.sessions}: ${count(state.sessions.length)}`] : []),
    ...(codes.length ? [`- ${words.reasons}: ${codes.join(', ')}`] : []),
  ];
  return {
    title: state.title,
    incidentKey: state.key,
    revision: String(state.revision),
    severity: state.severity,
    detectedAt: formatTime(state.openedAt),
    firstEventAt: formatTime(state.firstEventAt),
    lastVerdictAt: formatTime(state.lastVerdictAt),
    generatedAt: formatTime(options.now.toISOString()),
    deadline: awareness ? formatTime(deadlinesFrom(awareness.at)[DRAFT_DEADLINES[name]]) : words.deadlineBlank,
    dataCategories: state.dataCategories.length ? state.dataCategories.join(', ') : words.categoriesBlank,
    estimatedRecords: count(state.estimatedRecords),
    estimatedSubjects: count(state.estimatedSubjects),
    systems: list([...state.objects, ...state.apps]),
    actors: list(state.actorNames),
    verdictCount: count(state.verdictCount),
    summary: summaryOf(state),
    timeline: [...shown, ...(timeline.length > TIMELINE_ENTRIES ? [`- ${words.more(timeline.length - TIMELINE_ENTRIES)}`] : [])].join('\n'),
    indicators: indicators.length ? indicators.join('\n') : `- ${words.none}`,
    dpoContact: options.dpoContact?.trim() || words.dpoBlank,
  };
}

/** One draft of an incident as Markdown, or undefined when there is no template in that language. */
export function renderDraft(templates: DraftTemplates, name: DraftName, state: IncidentState, options: DraftOptions): string | undefined {
  const template = templates.get(name, options.lang);
  return template === undefined ? undefined : renderTemplate(template, draftValues(state, name, options));
}

/** The file name a draft is downloaded as: ASCII only, no path. */
export const draftFileName = (name: DraftName, key: string, lang: DraftLanguage, format: DraftFormat): string =>
  `leakwatch-${name}-${key.replace(/[^0-9a-fA-F-]/g, '').slice(0, 8)}-${lang}.${format}`;

type Block =
  { kind: 'heading'; level: number; text: string } | { kind: 'paragraph' | 'quote'; text: string } | { kind: 'list'; items: string[] } | { kind: 'rule' };

/** The Markdown the drafts use, as blocks: headings, paragraphs, `- ` lists, `> ` quotes, `---` rules. */
export function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let open: Block | undefined;
  const close = () => {
    if (open) blocks.push(open);
    open = undefined;
  };
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\t/g, '  ');
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const item = /^\s{0,3}[-*+]\s+(.*)$/.exec(line);
    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (line.trim() === '') close();
    else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      close();
      blocks.push({ kind: 'rule' });
    } else if (heading) {
      close();
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, text: heading[2] as string });
    } else if (item) {
      if (open?.kind !== 'list') close();
      open = open?.kind === 'list' ? open : { kind: 'list', items: [] };
      open.items.push(item[1] as string);
    } else if (quote) {
      if (open?.kind !== 'quote') close();
      open = open?.kind === 'quote' ? { kind: 'quote', text: `${open.text} ${quote[1]}` } : { kind: 'quote', text: quote[1] as string };
    } else if (open?.kind === 'list' && /^\s+\S/.test(line)) {
      open.items[open.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (open?.kind !== 'paragraph') close();
      open = open?.kind === 'paragraph' ? { kind: 'paragraph', text: `${open.text} ${line.trim()}` } : { kind: 'paragraph', text: line.trim() };
    }
  }
  close();
  return blocks;
}

/** Characters the PDF's standard fonts can show (Windows-1252); any other becomes `?`. */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const printable = (text: string): string =>
  [...text.replace(/\*\*|__|`/g, '').replace(/\\([\\`*_{}[\]()#+\-.!>])/g, '$1')]
    .map((c) => {
      const code = c.codePointAt(0) as number;
      return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.includes(c) ? c : '?';
    })
    .join('');

const HEADING_SIZES = [17, 13, 11];

/** The PDF library, loaded on the first PDF asked for: most sidecars never write one. */
const importPdfLibrary = () => import('pdfkit');
let pdfLibrary: ReturnType<typeof importPdfLibrary> | undefined;
const loadPdfLibrary = () => (pdfLibrary ??= importPdfLibrary());

interface PdfOptions {
  /** The document's title (its first heading, usually). */
  title: string;
  lang: DraftLanguage;
  createdAt: Date;
}

/**
 * A draft as a plain A4 PDF, set in the standard Helvetica fonts: headings, paragraphs, lists and
 * quotes, no images. Streams are left uncompressed so the text can be searched as it is.
 */
export async function markdownToPdf(markdown: string, options: PdfOptions): Promise<Buffer> {
  const { default: PDFDocument } = await loadPdfLibrary();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: false,
    lang: options.lang,
    info: { Title: printable(options.title), Creator: 'Leakwatch', Producer: 'Leakwatch', CreationDate: options.createdAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  markdownBlocks(markdown).forEach((block, i) => {
    doc.x = left;
    if (block.kind === 'heading') {
      if (i > 0) doc.moveDown(0.6);
      doc
        .font('Helvetica-Bold')
        .fontSize(HEADING_SIZES[Math.min(block.level, 3) - 1] as number)
        .text(printable(block.text));
      doc.moveDown(0.3);
    } else if (block.kind === 'paragraph') {
      doc.font('Helvetica').fontSize(10).text(printable(block.text));
      doc.moveDown(0.5);
    } else if (block.kind === 'quote') {
      doc
        .font('Helvetica-Oblique')
        .fontSize(9.5)
        .fillColor('#444444')
        .text(printable(block.text), left + 10);
      doc.fillColor('black').moveDown(0.5);
    } else if (block.kind === 'list') {
      doc.font('Helvetica').fontSize(10).list(block.items.map(printable), { bulletRadius: 1.5, textIndent: 12 });
      doc.moveDown(0.5);
    } else {
      const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
      doc
        .moveTo(left, doc.y)
        .lineTo(left + width, doc.y)
        .lineWidth(0.5)
        .strokeColor('#999999')
        .stroke();
      doc.moveDown(0.5);
    }
  });
  doc.end();
  return done;
}
