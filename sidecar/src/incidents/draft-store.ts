import { DRAFT_LANGUAGES, DRAFT_NAMES, renderDraft, type DraftLanguage, type DraftName, type DraftTemplates } from '../notify/drafts.js';
import type { Sql } from '../store/store.js';
import type { IncidentState } from './correlate.js';

/** What the drafts of each revision are written with: the templates in force and the DPO contact. */
export interface DraftSettings {
  templates: DraftTemplates;
  dpoContact?: string;
}

interface StoredDraft {
  revision: number;
  draft: DraftName;
  lang: DraftLanguage;
  markdown: string;
  createdAt: string;
}

/**
 * Writes every draft of each incident's new revision, in every language with a template, in the
 * transaction that made the revision: the DPO can later show what the reports said when. A
 * revision's drafts are written once; a transaction run again writes nothing twice.
 */
export async function storeDrafts(tx: Sql, states: readonly IncidentState[], settings: DraftSettings, now: Date): Promise<number> {
  const rows = states.flatMap((state) =>
    DRAFT_NAMES.flatMap((draft) =>
      DRAFT_LANGUAGES.flatMap((lang) => {
        const markdown = renderDraft(settings.templates, draft, state, { lang, now, dpoContact: settings.dpoContact });
        return markdown === undefined ? [] : [{ org_id: state.orgId, incident_key: state.key, revision: state.revision, draft, lang, markdown }];
      }),
    ),
  );
  if (rows.length === 0) return 0;
  const inserted = await tx.query(
    `INSERT INTO incident_draft (org_id, incident_key, revision, draft, lang, markdown)
     SELECT x.org_id, x.incident_key::uuid, x.revision, x.draft, x.lang, x.markdown
       FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, incident_key text, revision int, draft text, lang text, markdown text)
     ON CONFLICT DO NOTHING RETURNING revision`,
    [JSON.stringify(rows)],
  );
  return inserted.length;
}

/** One stored draft of an incident: of the given revision, or of the newest revision that has one. */
export async function storedDraft(
  sql: Sql,
  orgId: string,
  key: string,
  draft: DraftName,
  lang: DraftLanguage,
  revision?: number,
): Promise<StoredDraft | undefined> {
  const rows = await sql.query<{ revision: number; markdown: string; created_at: Date | string }>(
    `SELECT revision, markdown, created_at FROM incident_draft
      WHERE org_id = $1 AND incident_key = $2::uuid AND draft = $3 AND lang = $4 AND ($5::int IS NULL OR revision = $5)
      ORDER BY revision DESC LIMIT 1`,
    [orgId, key, draft, lang, revision ?? null],
  );
  const row = rows[0];
  return row ? { revision: row.revision, draft, lang, markdown: row.markdown, createdAt: new Date(row.created_at).toISOString() } : undefined;
}

/** Which drafts are stored for an incident: each revision with its drafts and languages, newest first. */
export async function storedDraftIndex(
  sql: Sql,
  orgId: string,
  key: string,
): Promise<Array<{ revision: number; createdAt: string; drafts: Array<{ draft: DraftName; lang: DraftLanguage }> }>> {
  const rows = await sql.query<{ revision: number; draft: DraftName; lang: DraftLanguage; created_at: Date | string }>(
    `SELECT revision, draft, lang, created_at FROM incident_draft WHERE org_id = $1 AND incident_key = $2::uuid ORDER BY revision DESC, draft, lang`,
    [orgId, key],
  );
  const byRevision = new Map<number, { revision: number; createdAt: string; drafts: Array<{ draft: DraftName; lang: DraftLanguage }> }>();
  for (const r of rows) {
    const entry = byRevision.get(r.revision) ?? { revision: r.revision, createdAt: new Date(r.created_at).toISOString(), drafts: [] };
    entry.drafts.push({ draft: r.draft, lang: r.lang });
    byRevision.set(r.revision, entry);
  }
  return [...byRevision.values()];
}
