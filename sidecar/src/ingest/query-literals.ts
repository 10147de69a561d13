/**
 * Query text (SOQL or SQL an org reports in details, e.g. an API query or a report filter) carries
 * the values it filters by: `WHERE Name = 'Jane Doe'` names a person whether or not the classifier
 * recognises the name. Every quoted literal of such a text is masked, after the entities found in
 * it were, so nothing the query was asked about is stored; its structure (objects, fields,
 * operators) stays readable.
 */

const QUERY = /\bselect\b[\s\S]*?\bfrom\b|\bwhere\b[\s\S]*?(?:=|\blike\b|\bin\s*\()/i;
const MASK = '•••';

/**
 * `text` with the content of each quoted literal replaced by '•••' when the text reads as a query
 * (a literal left open runs to the end of the text); as it was otherwise.
 */
export function maskQueryLiterals(text: string): string {
  if (!text.includes("'") || !QUERY.test(text)) return text;
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf("'", at);
    if (open < 0) return out + text.slice(at);
    let close = open + 1;
    while (close < text.length && text[close] !== "'") close += text[close] === '\\' ? 2 : 1;
    const empty = close === open + 1;
    out += `${text.slice(at, open)}'${empty ? '' : MASK}`;
    if (close >= text.length) return out;
    out += "'";
    at = close + 1;
  }
}
