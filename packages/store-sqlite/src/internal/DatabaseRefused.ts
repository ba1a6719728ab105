/**
 * `openDatabase` opened the file but will not use the connection (SQLite refused write-ahead logging).
 * Each store turns it into its own error: the journal's `JournalError`, the security stores'
 * `SqliteSecurityStoreError`; neither store's error type belongs to the other.
 */
export class DatabaseRefused {
  readonly _tag = "DatabaseRefused"
  constructor(readonly detail: string) {}
}
