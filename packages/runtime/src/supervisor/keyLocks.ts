import { Effect, Semaphore } from "effect"

/**
 * Locks by name, made when first used and dropped once nobody holds or waits for them: one keyed submit at a
 * time per owner and idempotency key, without keeping a lock for every key ever used.
 */
export const makeKeyLocks = () => {
  const locks = new Map<string, { readonly lock: Semaphore.Semaphore; users: number }>()
  /** Runs `effect` holding the lock named `lockId`. */
  const withKeyLock = <A, E>(lockId: string, effect: Effect.Effect<A, E>) =>
    Effect.suspend(() => {
      let entry = locks.get(lockId)
      if (entry === undefined) {
        entry = { lock: Semaphore.makeUnsafe(1), users: 0 }
        locks.set(lockId, entry)
      }
      const held = entry
      held.users++
      return held.lock
        .withPermits(1)(effect)
        .pipe(
          Effect.ensuring(
            Effect.sync(() => {
              if (--held.users === 0) locks.delete(lockId)
            })
          )
        )
    })
  return { withKeyLock, size: () => locks.size }
}
