import type { Sql } from './store.js';

/** The salt for value hashes: generated once per database by the migrations, shared by every replica. */
export async function readHashSalt(sql: Sql): Promise<string> {
  const [row] = await sql.query<{ value: string }>("SELECT value FROM sidecar_setting WHERE name = 'hash_salt'");
  if (!row) throw new Error('hash salt missing from sidecar_setting; the migrations did not run');
  return row.value;
}
