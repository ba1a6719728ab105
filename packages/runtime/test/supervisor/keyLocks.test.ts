import { Deferred, Effect, Fiber } from "effect"
import { describe, expect, it } from "vitest"
import { makeKeyLocks } from "../../src/supervisor/keyLocks.js"

describe("keyLocks", () => {
  it("runs one holder of a key at a time, others of other keys freely, and forgets unused keys", () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const { withKeyLock, size } = makeKeyLocks()
        const release = yield* Deferred.make<void>()
        const order: Array<string> = []
        const first = yield* Effect.forkChild(
          withKeyLock(
            "alice\nk",
            Effect.andThen(
              Deferred.await(release),
              Effect.sync(() => order.push("first"))
            )
          )
        )
        const second = yield* Effect.forkChild(
          withKeyLock(
            "alice\nk",
            Effect.sync(() => order.push("second"))
          )
        )
        yield* withKeyLock(
          "bob\nk",
          Effect.sync(() => order.push("other key"))
        )
        yield* Effect.yieldNow
        expect(order).toEqual(["other key"])
        expect(size()).toBe(1)
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(first)
        yield* Fiber.join(second)
        expect(order).toEqual(["other key", "first", "second"])
        expect(size()).toBe(0)
      })
    ))
})
