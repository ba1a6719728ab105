import type { IdentityProvider } from "@coderclaw/protocol"
import { Result, Schema, SchemaIssue } from "effect"
import type { JWTPayload } from "jose"
import { TokenRejected } from "../TokenRejected.js"

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

const firstClaimOf = (error: Schema.SchemaError): string | undefined => {
  const key = formatIssues(error.issue).issues[0]?.path?.[0]
  if (key === undefined) return undefined
  return typeof key === "object" && key !== null ? String(key.key) : String(key)
}

/**
 * A decoder for the claims a provider relies on. Presence is checked first, by name, so an absent claim
 * is `missing_claim` rather than a schema message; then the schema checks types and forms
 * (`invalid_claim`, naming the first claim at fault). Claims the schema does not list are dropped.
 */
export const makeClaimsDecoder = <S extends Schema.Decoder<unknown>>(
  provider: IdentityProvider,
  schema: S,
  required: ReadonlyArray<string>
) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (claims: JWTPayload): Result.Result<S["Type"], TokenRejected> => {
    for (const name of required) {
      if (!Object.hasOwn(claims, name) || claims[name] === null) {
        return Result.fail(
          new TokenRejected({ provider, reason: "MissingClaim", claim: name, detail: "a required claim is absent" })
        )
      }
    }
    const result = decode(claims)
    if (Result.isSuccess(result)) return Result.succeed(result.success)
    const claim = firstClaimOf(result.failure)
    return Result.fail(
      new TokenRejected({
        provider,
        reason: "InvalidClaim",
        ...(claim === undefined ? {} : { claim }),
        detail: "a claim has the wrong type or form"
      })
    )
  }
}
