import type { PolicyDecision } from "./PolicyRequest.js"

/** How a decision cache is doing. */
export interface DecisionCacheStats {
  readonly hits: number
  readonly misses: number
  readonly size: number
  readonly capacity: number
}

/**
 * A bounded least-recently-used map from request key to decision, remembering each entry's session so a
 * session's answers can be dropped when it ends. Keys carry the policy version, and the engine clears
 * the cache when the policy set is replaced, so an answer never outlives the policies that gave it.
 */
export class DecisionCache {
  readonly #entries = new Map<string, { readonly sessionId: string; readonly decision: PolicyDecision }>()
  #hits = 0
  #misses = 0

  /** `capacity` 0 disables caching. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`invalid cache capacity ${capacity}`)
  }

  get(key: string): PolicyDecision | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) {
      this.#misses++
      return undefined
    }
    this.#hits++
    // Re-insert so the entry becomes the most recently used (Map keeps insertion order).
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.decision
  }

  set(key: string, sessionId: string, decision: PolicyDecision): void {
    if (this.capacity === 0) return
    this.#entries.delete(key)
    this.#entries.set(key, { sessionId, decision })
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
  }

  /** Drops every answer given to one session (e.g. when it is revoked or ends). */
  forgetSession(sessionId: string): void {
    for (const [key, entry] of this.#entries) if (entry.sessionId === sessionId) this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }

  get stats(): DecisionCacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size, capacity: this.capacity }
  }
}
