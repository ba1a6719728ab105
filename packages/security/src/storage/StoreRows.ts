/**
 * Reading the security stores' rows back, shared by the SQL stores (`@coderclaw/store-sqlite/security`,
 * `@coderclaw/store-postgres/security`): JSON columns, optional columns as absent keys, and row decoders
 * whose errors name fields, never values (rows hold password hashes and private keys).
 *
 * @module
 */
import { Result, Schema } from "effect"

/** A stored value that could not be read back, with why (for the port's `unavailable`/`corrupt` error). */
export class UnreadableRow {
  constructor(readonly detail: string) {}
}

/**
 * Parses a JSON column. Text that is not JSON is `UnreadableRow` naming the column, and so is JSON `null`:
 * no stored value is ever null (an absent optional value is SQL NULL), and reading it as "absent" would
 * silently drop a field. The value itself is checked afterwards by the row's schema, with the other columns.
 */
export const jsonColumn = (column: string, text: string): unknown => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return new UnreadableRow(`has a column ${column} that is not valid JSON`)
  }
  return value === null ? new UnreadableRow(`has a column ${column} that holds JSON null`) : value
}

/**
 * The object of a row: every required field as given (a wrong one is for the schema to refuse), and the
 * optional ones that are not NULL: an absent value stays absent (the schemas use optional keys, never `null`,
 * and a store must give back exactly the keys it was given). A JSON column that did not parse makes the
 * whole row `UnreadableRow`.
 */
export const rowObject = (
  required: Readonly<Record<string, unknown>>,
  optional: Readonly<Record<string, unknown>> = {}
): Record<string, unknown> | UnreadableRow => {
  const object: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(required)) {
    if (value instanceof UnreadableRow) return value
    object[key] = value
  }
  for (const [key, value] of Object.entries(optional)) {
    if (value instanceof UnreadableRow) return value
    if (value !== null && value !== undefined) object[key] = value
  }
  return object
}

/** Booleans kept as 0/1 (SQLite); anything else is passed through for the schema to refuse. */
export const booleanColumn = (value: number): unknown => (value === 0 ? false : value === 1 ? true : value)

type RowSchema = Schema.ConstraintDecoder<unknown> & { readonly fields: Schema.Struct.Fields }

/**
 * A decoder over a row's struct schema: the decoded value, or `UnreadableRow` naming the fields that do not
 * decode. The detail names fields only, never values: rows hold password hashes and private keys, and the
 * detail ends up in errors and logs.
 */
export const rowDecoder = <S extends RowSchema>(schema: S) => {
  const decode = Schema.decodeUnknownResult(schema)
  const fieldChecks = Object.entries(schema.fields).map(([key, field]) => {
    const check = Schema.decodeUnknownResult(
      Schema.Struct({ [key]: field }) as unknown as Schema.ConstraintDecoder<unknown>
    )
    return (value: Readonly<Record<string, unknown>>) =>
      Result.isSuccess(check(Object.hasOwn(value, key) ? { [key]: value[key] } : {}))
  })
  const fieldNames = Object.keys(schema.fields)
  return (value: Record<string, unknown> | UnreadableRow): S["Type"] | UnreadableRow => {
    if (value instanceof UnreadableRow) return value
    const decoded = decode(value)
    if (Result.isSuccess(decoded)) return decoded.success
    const invalid = fieldNames.filter((_, index) => fieldChecks[index]?.(value) === false)
    return new UnreadableRow(
      invalid.length === 0
        ? "does not decode"
        : `has invalid ${invalid.length === 1 ? "field" : "fields"} ${invalid.join(", ")}`
    )
  }
}
