import { planField, type FieldPlan } from './field-hints.js';

/** One cell of a data row, with what its column's header says about it. */
export interface Cell {
  start: number;
  end: number;
  plan: FieldPlan;
}

/** Separators of exported rows: tab, semicolon (European CSV) and comma, tried in that order. */
const DELIMITERS = ['\t', ';', ','] as const;
/** A header cell names a field: `FirstName`, `Tax_Id__c`, `Mailing Street`, `e-mail` (no values, no spaces at the ends). */
const HEADER_CELL = /^[\p{L}_][\p{L}\p{N}_ .-]{0,39}$/u;
const MIN_COLUMNS = 3;
/** Rows read at most: an export pasted whole into a case is still one text. */
const MAX_ROWS = 2_000;

/** The cells of one line, respecting double quotes ("Calle de Alcalá, 119"): each cell's extent without its quotes. */
function splitLine(text: string, from: number, to: number, delimiter: string): Array<{ start: number; end: number }> {
  const cells: Array<{ start: number; end: number }> = [];
  let start = from;
  let quoted = false;
  for (let i = from; i <= to; i += 1) {
    const c = i < to ? text[i] : delimiter;
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) {
      let s = start;
      let e = i;
      if (text[s] === '"' && e - s >= 2 && text[e - 1] === '"') {
        s += 1;
        e -= 1;
      }
      cells.push({ start: s, end: e });
      start = i + 1;
    }
  }
  return cells;
}

/**
 * The data cells of a text that is a table with a header row (a CSV or TSV export pasted into a case, an
 * attachment's text), each planned by its column's name as a field hint would be ("Birthdate", "Tax_Id__c",
 * "MobilePhone"). Only cells of columns whose name says something are returned; null when the text is not such
 * a table: a first line of at least three field-name cells and at least one row of the same width.
 */
export function tableCells(text: string): Cell[] | null {
  const firstBreak = text.indexOf('\n');
  if (firstBreak < 0) return null;
  const headerEnd = text[firstBreak - 1] === '\r' ? firstBreak - 1 : firstBreak;
  for (const delimiter of DELIMITERS) {
    if (!text.slice(0, headerEnd).includes(delimiter)) continue;
    const header = splitLine(text, 0, headerEnd, delimiter).map((c) => text.slice(c.start, c.end).trim());
    if (header.length < MIN_COLUMNS || !header.every((h) => HEADER_CELL.test(h))) continue;
    const plans = header.map((name) => planField({ name }));
    if (!plans.some((p) => p.wholeValue || p.boost.length > 0)) return null;
    const cells: Cell[] = [];
    let rows = 0;
    for (let lineStart = firstBreak + 1; lineStart < text.length && rows < MAX_ROWS;) {
      const next = text.indexOf('\n', lineStart);
      const lineEnd = next < 0 ? text.length : next;
      const end = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
      const row = splitLine(text, lineStart, end, delimiter);
      if (row.length === header.length) {
        rows += 1;
        row.forEach((cell, i) => {
          const plan = plans[i]!;
          if ((plan.wholeValue || plan.boost.length > 0) && cell.end > cell.start) cells.push({ ...cell, plan });
        });
      }
      lineStart = lineEnd + 1;
    }
    return rows > 0 ? cells : null;
  }
  return null;
}
