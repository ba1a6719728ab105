import { Schema } from "effect"
import { Limits } from "./Limits.js"
import { BoundedString } from "./Primitives.js"

/**
 * Small, flat key/value labels on a task (e.g. `repo`, `ticket`), searchable and shown in listings.
 * Values are scalars; put structured data in the task input instead.
 */
export const Metadata = Schema.Record(
  BoundedString(Limits.metadataKeyMaxLength),
  Schema.Union([
    Schema.String.pipe(Schema.check(Schema.isMaxLength(Limits.metadataValueMaxLength))),
    Schema.Finite,
    Schema.Boolean,
    Schema.Null
  ])
).pipe(Schema.check(Schema.isMaxProperties(Limits.metadataMaxEntries)))
export type Metadata = typeof Metadata.Type
