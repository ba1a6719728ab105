import { boundaryParseOptions, invalidRequestFrom } from "@coderclaw/protocol"
import { Effect, Schema } from "effect"

/**
 * A decoder for a skill's or an agent's input: every problem reported, unknown keys refused (a typo in a
 * field name is an error, not ignored data). Fails with the message naming each bad field, which the
 * caller wraps in its own typed error.
 */
export const inputDecoder = <S extends Schema.Decoder<unknown>>(schema: S, what: string) => {
  const decode = Schema.decodeUnknownEffect(schema, boundaryParseOptions)
  return (input: unknown): Effect.Effect<S["Type"], string, S["DecodingServices"]> =>
    Effect.mapError(decode(input), (error) => invalidRequestFrom(what, error).message)
}

/** Like `inputDecoder`, but unknown keys are ignored: for workflow step inputs, which carry other steps' fields. */
export const lenientInputDecoder = <S extends Schema.Decoder<unknown>>(schema: S, what: string) => {
  const decode = Schema.decodeUnknownEffect(schema, { errors: "all", onExcessProperty: "ignore" })
  return (input: unknown): Effect.Effect<S["Type"], string, S["DecodingServices"]> =>
    Effect.mapError(decode(input), (error) => invalidRequestFrom(what, error).message)
}
