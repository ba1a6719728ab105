import { v7 } from "uuid"

// `uuid`'s v7 asks the platform for 16 random bytes per id, a call into the crypto library that cost as much
// as the rest of submitting a task's bookkeeping. Here the bytes come from a pool refilled 4 KiB at a time
// (the same CSPRNG, `crypto.getRandomValues`, in Node and browsers alike), and `uuid` still lays out the
// bytes. Ids stay strictly increasing, as with `uuid`'s own state: within one millisecond the 32-bit
// sequence (seeded at random each new millisecond) counts up, and its overflow moves to the next millisecond.

const poolBytes = 4_096
const pool = new Uint8Array(poolBytes)
let used = poolBytes
let lastMsecs = Number.NEGATIVE_INFINITY
let seq = 0

const byteAt = (bytes: Uint8Array, index: number): number => bytes[index] ?? 0

/** A UUIDv7 string, greater than every one this process generated before it. */
export const uuidV7 = (): string => {
  if (used + 16 > poolBytes) {
    globalThis.crypto.getRandomValues(pool)
    used = 0
  }
  const random = pool.subarray(used, used + 16)
  used += 16
  const now = Date.now()
  if (now > lastMsecs) {
    // The same seed `uuid` takes: 31 random bits, so the sequence has room to count up.
    seq = ((byteAt(random, 6) & 0x7f) << 24) | (byteAt(random, 7) << 16) | (byteAt(random, 8) << 8) | byteAt(random, 9)
    lastMsecs = now
  } else {
    seq = (seq + 1) | 0
    if (seq === 0) lastMsecs++
  }
  return v7({ random, msecs: lastMsecs, seq })
}
