import type { IdentityProvider } from "@coderclaw/protocol"
import { Effect, Result, Schema, SchemaIssue } from "effect"
import { InvalidVerifierConfig } from "../InvalidVerifierConfig.js"

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** `path.to.field: message` for every problem of a schema failure. */
export const issuesOf = (error: Schema.SchemaError): Array<string> =>
  formatIssues(error.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((key) =>
      typeof key === "object" && key !== null ? String(key.key) : String(key)
    )
    return `${path.length === 0 ? "(root)" : path.join(".")}: ${issue.message}`
  })

/**
 * A decoder for a verifier's configuration: every problem reported, unknown keys refused (a misspelt
 * `hostedDomian` must not silently switch a check off).
 */
export const makeConfigDecoder = <S extends Schema.Decoder<unknown>>(provider: IdentityProvider, schema: S) => {
  const decode = Schema.decodeUnknownResult(schema, { errors: "all", onExcessProperty: "error" })
  return (input: unknown): Effect.Effect<S["Type"], InvalidVerifierConfig> => {
    const result = decode(input)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success)
      : Effect.fail(new InvalidVerifierConfig({ provider, issues: issuesOf(result.failure) }))
  }
}
