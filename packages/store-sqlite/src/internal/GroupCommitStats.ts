// Its own module, free of the driver's types: the public declarations reach it (`SqliteJournalStats`), and a
// consumer must be able to compile them without installing @types/better-sqlite3.

/** What the group committer has done since the journal opened. */
export interface GroupCommitStats {
  /** Write transactions committed; under `synchronous: "full"` each is one fsync of the WAL. */
  readonly commits: number
  /** `append` calls stored. */
  readonly appends: number
  /** Events stored by those calls. */
  readonly appendedEvents: number
  /** `saveCheckpoint` calls stored. */
  readonly checkpoints: number
  /** Write calls that failed (refused, or the storage failed): nothing of them was stored. */
  readonly failed: number
}
