interface Entry {
  readonly expiresAt: number
}

/** What `ReplayCache.remember` decided. */
export type Remembered = "fresh" | "replayed" | "full"

/**
 * The nonces of accepted device proofs, so that one proof is accepted once. Each entry lives for `ttlMs`,
 * the whole time a proof with its `signedAt` could still pass the freshness check (past skew + future
 * skew), so an entry is never forgotten while its proof would still be accepted. The cache never evicts a
 * live entry: when it is full, new proofs are refused (`full`) until entries expire. A flood can delay new
 * device logins for at most `ttlMs`, but can never reopen a used nonce.
 */
export class ReplayCache {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #ttlMs: number

  constructor(maxEntries: number, ttlMs: number) {
    this.#maxEntries = maxEntries
    this.#ttlMs = ttlMs
  }

  /** How many nonces are remembered now. */
  get size(): number {
    return this.#entries.size
  }

  /** Remembers `nonce` (`fresh`), or changes nothing: `replayed` for a nonce already remembered, `full`. */
  remember(nonce: string, now: number): Remembered {
    this.#prune(now)
    if (this.#entries.has(nonce)) return "replayed"
    if (this.#entries.size >= this.#maxEntries) return "full"
    this.#entries.set(nonce, { expiresAt: now + this.#ttlMs })
    return "fresh"
  }

  // Entries are inserted with a constant time to live, so insertion order is expiry order (as long as the
  // clock does not go back; if it does, a few expired entries linger a little longer, which is harmless).
  #prune(now: number): void {
    for (const [nonce, entry] of this.#entries) {
      if (entry.expiresAt >= now) return
      this.#entries.delete(nonce)
    }
  }
}
