import { Schema } from "effect"

/**
 * What the agents read from `repo.list`: the files (path and size) and whether the listing was cut. Only
 * the fields the agents use; decoded leniently, so the skill may report more.
 */
export const RepoListResult = Schema.Struct({
  files: Schema.Array(Schema.Struct({ path: Schema.String, bytes: Schema.Number })),
  truncated: Schema.Boolean
})

/** What the agents read from a batch `fs.read`: each file's text, or why it could not be read. */
export const FsReadBatchResult = Schema.Struct({
  files: Schema.Array(
    Schema.Union([
      Schema.Struct({ path: Schema.String, lines: Schema.Number, content: Schema.String }),
      Schema.Struct({ path: Schema.String, error: Schema.Struct({ reason: Schema.String }) })
    ])
  )
})
