import { JsonSchema, Schema } from "effect"

/** A JSON Schema object (draft 2020-12), as plain JSON. */
export type JsonSchemaObject = { readonly [key: string]: unknown }

/**
 * The JSON Schema (draft 2020-12) of a protocol schema's wire form, self-contained: closed objects
 * (`additionalProperties: false`, as the server refuses unknown members), the schema's own `title` and
 * `description` annotations, its checks as JSON Schema constraints. The Effect decoder stays the final
 * authority; this is what a client in another language validates or generates code from.
 */
export const jsonSchemaOf = (schema: Schema.Top): JsonSchemaObject => {
  const document = Schema.toJsonSchemaDocument(schema, { onExcessProperty: "error" })
  const definitions = Object.keys(document.definitions).length === 0 ? {} : { $defs: document.definitions }
  return { $schema: JsonSchema.META_SCHEMA_URI_DRAFT_2020_12, ...document.schema, ...definitions }
}
