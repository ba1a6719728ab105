import { Effect, Result, Schema, SchemaIssue } from "effect"
import { InvalidRequest, type RequestIssue } from "./RuntimeError.js"

/**
 * How every boundary decodes: report every problem, not just the first, and refuse unknown keys so a
 * typo in a field name is an error instead of silently ignored data.
 */
export const boundaryParseOptions = { errors: "all", onExcessProperty: "error" } as const

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** Turns a schema failure into an `InvalidRequest` naming every offending field. */
export const invalidRequestFrom = (what: string, error: Schema.SchemaError): InvalidRequest =>
  new InvalidRequest({
    what,
    issues: formatIssues(error.issue).issues.map(
      (issue): RequestIssue => ({
        path: (issue.path ?? []).map((key) =>
          typeof key === "object" && key !== null ? String(key.key) : typeof key === "number" ? key : String(key)
        ),
        message: issue.message
      })
    )
  })

/**
 * A decoder for values arriving from outside (a request, a frame, a file): returns the typed value, or an
 * `InvalidRequest` whose message names each bad field, e.g.
 * `Invalid submit request: description: Missing key; priority: Expected an integer`.
 */
export const makeDecoder = <S extends Schema.Decoder<unknown>>(schema: S, what: string) => {
  const decode = Schema.decodeUnknownResult(schema, boundaryParseOptions)
  return (input: unknown): Result.Result<S["Type"], InvalidRequest> =>
    Result.mapError(decode(input), (error) => invalidRequestFrom(what, error))
}

/** The Effect form of `makeDecoder`, for code already inside `Effect.gen`. */
export const makeEffectDecoder = <S extends Schema.Decoder<unknown>>(schema: S, what: string) => {
  const decode = Schema.decodeUnknownEffect(schema, boundaryParseOptions)
  return (input: unknown): Effect.Effect<S["Type"], InvalidRequest, S["DecodingServices"]> =>
    Effect.mapError(decode(input), (error) => invalidRequestFrom(what, error))
}
