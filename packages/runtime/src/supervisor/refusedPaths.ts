import type { AuthorizationGrant, Forbidden } from "@coderclaw/protocol"
import { Effect } from "effect"

// Paths per authorization request: enough that a large directory costs a few decisions (each is audited),
// few enough that one decision stays cheap.
const batchSize = 512

/**
 * Which of `paths` the authorizer refuses, asking about them in batches: a batch allowed as a whole costs
 * one decision; a refused batch is split in halves until the refused paths are found, so a directory with
 * one protected entry costs a handful of decisions, not one per entry.
 */
export const refusedPathsWith =
  (authorize: (paths: ReadonlyArray<string>) => Effect.Effect<AuthorizationGrant, Forbidden>) =>
  (paths: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>> => {
    const refusedOf = (batch: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>> =>
      batch.length === 0
        ? Effect.succeed([])
        : authorize(batch).pipe(
            Effect.as([] as ReadonlyArray<string>),
            Effect.catch(() => {
              if (batch.length === 1) return Effect.succeed(batch)
              const half = Math.ceil(batch.length / 2)
              return Effect.zipWith(refusedOf(batch.slice(0, half)), refusedOf(batch.slice(half)), (left, right) => [
                ...left,
                ...right
              ])
            })
          )
    const batches: Array<ReadonlyArray<string>> = []
    for (let start = 0; start < paths.length; start += batchSize) batches.push(paths.slice(start, start + batchSize))
    return Effect.forEach(batches, refusedOf).pipe(Effect.map((refused) => refused.flat()))
  }
