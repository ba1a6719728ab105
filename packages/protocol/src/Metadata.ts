import { Schema } from "effect"
import { Limits } from "./Limits.js"
import { BoundedString } from "./Primitives.js"

/**
 * Small, flat key/value labels on a task (e.g. `repo`, `ticket`), searchable and shown in listings.
 * Values are scalars; put structured data in the task input instead.
 */
// With the `u` flag a surrogate pair is one code point; only a lone (unpaired) surrogate is `Cs`.
const loneSurrogate = /\p{Cs}/u

/** A metadata key: 1–64 characters of well-formed Unicode (a lone surrogate cannot be searched or shown). */
const MetadataKey = BoundedString(Limits.metadataKeyMaxLength).pipe(
  Schema.check(
    Schema.makeFilter((key: string) => !loneSurrogate.test(key) || "must be well-formed Unicode (no lone surrogates)")
  )
)

export const Metadata = Schema.Record(
  MetadataKey,
  Schema.Union([
    Schema.String.pipe(Schema.check(Schema.isMaxLength(Limits.metadataValueMaxLength))),
    Schema.Finite,
    Schema.Boolean,
    Schema.Null
  ])
).pipe(Schema.check(Schema.isMaxProperties(Limits.metadataMaxEntries)))
export type Metadata = typeof Metadata.Type
