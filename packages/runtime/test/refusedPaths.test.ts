import { Forbidden, unconditionalGrant } from "@coderclaw/protocol"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { refusedPathsWith } from "../src/supervisor/refusedPaths.js"

// A walk asks about thousands of paths: it must find exactly the refused ones in few decisions.
describe("refusedPathsWith", () => {
  const decider = (protectedPrefixes: ReadonlyArray<string>) => {
    const asked: Array<number> = []
    const authorize = (paths: ReadonlyArray<string>) => {
      asked.push(paths.length)
      return paths.some((path) => protectedPrefixes.some((prefix) => path.startsWith(prefix)))
        ? Effect.fail(new Forbidden({ action: "skill:execute", resource: "skill/x", reasons: ["protected"] }))
        : Effect.succeed(unconditionalGrant)
    }
    return { asked, refused: refusedPathsWith(authorize) }
  }

  it("finds exactly the refused paths among thousands, with a handful of decisions", async () => {
    const paths = Array.from({ length: 5_000 }, (_, index) => `src/file-${index}.ts`)
    paths.splice(1_234, 0, "secret/a.pem")
    paths.splice(4_321, 0, "secret/b.pem")
    const { asked, refused } = decider(["secret/"])
    expect(await Effect.runPromise(refused(paths))).toEqual(["secret/a.pem", "secret/b.pem"])
    expect(asked.length).toBeLessThan(60)
    expect(Math.max(...asked)).toBeLessThanOrEqual(512)
  })

  it("asks once per batch when nothing is refused, and not at all for no paths", async () => {
    const { asked, refused } = decider([])
    expect(await Effect.runPromise(refused(Array.from({ length: 1_000 }, (_, index) => `f${index}`)))).toEqual([])
    expect(asked).toEqual([512, 488])
    expect(await Effect.runPromise(refused([]))).toEqual([])
    expect(asked).toHaveLength(2)
  })
})
