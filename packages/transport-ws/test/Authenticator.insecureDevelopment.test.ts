import { Unauthenticated } from "@coderclaw/protocol"
import { Authenticator } from "@coderclaw/runtime"
import { alice } from "@coderclaw/transport-conformance"
import { Effect, Exit, Logger } from "effect"
import { describe, expect, it } from "vitest"

const authenticateWith = (credentials: Parameters<Authenticator["Service"]["authenticate"]>[0]["credentials"]) =>
  Effect.gen(function* () {
    const authenticator = yield* Authenticator
    return yield* authenticator.authenticate({ credentials, nonce: "n" })
  }).pipe(Effect.provide(Authenticator.insecureDevelopment))

describe("Authenticator.insecureDevelopment", () => {
  it("logs a warning when it is switched on", async () => {
    const lines: Array<string> = []
    const capture = Logger.make(({ logLevel, message }) => lines.push(`${logLevel} ${String(message)}`))
    await Effect.runPromise(
      authenticateWith({ type: "development", principal: alice }).pipe(Effect.provide(Logger.layer([capture])))
    )
    expect(lines.some((line) => line.startsWith("Warn") && line.includes("insecure"))).toBe(true)
  })

  it("believes development credentials and refuses every other kind", async () => {
    expect(await Effect.runPromise(authenticateWith({ type: "development", principal: alice }))).toEqual({
      principal: alice
    })
    const exit = await Effect.runPromiseExit(authenticateWith({ type: "token", token: "anything" }))
    expect(exit).toEqual(Exit.fail(new Unauthenticated({ reason: "invalid_credentials" })))
  })

  it("is never the default: denyAll refuses even development credentials", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.gen(function* () {
        return yield* (yield* Authenticator).authenticate({
          credentials: { type: "development", principal: alice },
          nonce: "n"
        })
      }).pipe(Effect.provide(Authenticator.denyAll))
    )
    expect(Exit.isFailure(exit)).toBe(true)
  })
})
