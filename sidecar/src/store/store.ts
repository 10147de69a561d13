/** The few operations the service needs from a SQL database; PGlite and PostgreSQL both provide them. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type StoreKind = 'pglite' | 'postgres';

export interface Store extends Sql {
  readonly kind: StoreKind;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Tells the workers of every replica on this database that `from` stored new work. */
  signalWork?(from: string): Promise<void>;
  /** Calls `listener` with the sender's name whenever a replica signals new work; resolves to a function that stops it. */
  listenForWork?(listener: (from: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
