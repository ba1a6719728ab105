interface Entry {
  readonly expiresAt: number
  readonly signedAt: number
}

/**
 * The nonces of accepted device proofs, so that one proof is accepted once. Bounded in size: entries leave
 * when their time to live has passed or, when the cache is full, oldest first. Forgetting a nonce that could
 * still be replayed would reopen the door, so an early eviction raises a floor instead: every proof signed
 * at or before the evicted one's `signedAt` is refused from then on (fail closed under a flood; such proofs
 * turn stale within the clock skew anyway).
 */
export class ReplayCache {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #ttlMs: number
  #floor = Number.NEGATIVE_INFINITY

  constructor(maxEntries: number, ttlMs: number) {
    this.#maxEntries = maxEntries
    this.#ttlMs = ttlMs
  }

  /** How many nonces are remembered now. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * Remembers `nonce` and answers `true` if it was not seen before; answers `false` (and changes nothing)
   * for a nonce already remembered or a proof the cache can no longer vouch for.
   */
  remember(nonce: string, signedAt: number, now: number): boolean {
    this.#prune(now)
    if (this.#entries.has(nonce) || signedAt <= this.#floor) return false
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.entries().next()
      if (oldest.done === true) break
      const [oldestNonce, entry] = oldest.value
      this.#floor = Math.max(this.#floor, entry.signedAt)
      this.#entries.delete(oldestNonce)
    }
    this.#entries.set(nonce, { expiresAt: now + this.#ttlMs, signedAt })
    return true
  }

  // Entries are inserted with a constant time to live, so insertion order is expiry order (as long as the
  // clock does not go back; if it does, a few expired entries linger until evicted, which is harmless).
  #prune(now: number): void {
    for (const [nonce, entry] of this.#entries) {
      if (entry.expiresAt >= now) return
      this.#entries.delete(nonce)
    }
  }
}
