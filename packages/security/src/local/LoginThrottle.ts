import { Clock, Effect } from "effect"

/**
 * How password guessing is slowed down. Every field has a default:
 *
 * - `pairFreeAttempts` (default 5): failed logins to one account from one address before that pair waits.
 * - `accountFreeAttempts` (default 50): failed logins to one account from all addresses together before
 *   the account waits; higher than the pair's, so one guessing address cannot lock its victim out.
 * - `addressFreeAttempts` (default 20): failed logins from one address to any accounts before it waits.
 * - `baseDelayMs` (default 1 s) doubles with every further failure, up to `maxDelayMs` (default 15 min).
 * - `forgetAfterMs` (default 1 h): a key without a failure for this long starts afresh.
 * - `maxKeys` (default 100,000): the oldest keys are forgotten beyond this, so memory stays bounded.
 */
export interface LoginThrottleOptions {
  readonly pairFreeAttempts?: number | undefined
  readonly accountFreeAttempts?: number | undefined
  readonly addressFreeAttempts?: number | undefined
  readonly baseDelayMs?: number | undefined
  readonly maxDelayMs?: number | undefined
  readonly forgetAfterMs?: number | undefined
  readonly maxKeys?: number | undefined
}

/** One login attempt: the account name tried and, when known, the caller's network address. */
export interface LoginAttempt {
  readonly username: string
  readonly remoteAddress?: string | undefined
}

/** A started attempt; settle it with its outcome. */
export interface LoginTicket {
  /** The password matched: the account and the pair start afresh, and this attempt stops counting. */
  readonly succeeded: Effect.Effect<void>
}

/** Refused before any password work: try again after `retryAfterMs`. */
export interface LoginThrottled {
  readonly retryAfterMs: number
}

/**
 * Counts login attempts per account, per address and per (account, address) and refuses them with
 * exponential back-off. An attempt counts as a failure from the moment it starts (a success takes it back),
 * so a burst of concurrent guesses is throttled as it arrives, not after the hashes finish. A refused
 * attempt costs nothing and does not count. Unknown accounts are counted exactly like existing ones, so
 * being throttled tells nobody whether a name exists.
 */
export interface LoginThrottleShape {
  /** Starts an attempt, or refuses it when any of its keys must still wait. */
  begin(attempt: LoginAttempt): Effect.Effect<LoginTicket, LoginThrottled>
}

interface Entry {
  failures: number
  blockedUntil: number
  lastFailureAt: number
}

interface Rule {
  readonly key: string
  readonly freeAttempts: number
}

/**
 * The key of an address: IPv4 addresses (also IPv4-mapped IPv6) as they are, IPv6 addresses by their
 * /64 prefix, since one host usually holds a whole /64 and could otherwise rotate through it.
 */
export const addressKey = (remoteAddress: string): string => {
  const address = remoteAddress.toLowerCase()
  if (!address.includes(":")) return address
  if (address.startsWith("::ffff:") && address.includes(".")) return address.slice(7)
  const [head = "", tail = ""] = address.split("::", 2) as [string?, string?]
  const left = head === "" ? [] : head.split(":")
  const right = tail === "" ? [] : tail.split(":")
  const groups = address.includes("::")
    ? [...left, ...Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => "0"), ...right]
    : left
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`
}

/** Builds a throttle over Effect's `Clock` (so tests can move time). */
export const makeLoginThrottle = (options: LoginThrottleOptions = {}): LoginThrottleShape => {
  const pairFree = options.pairFreeAttempts ?? 5
  const accountFree = options.accountFreeAttempts ?? 50
  const addressFree = options.addressFreeAttempts ?? 20
  const baseDelayMs = options.baseDelayMs ?? 1_000
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000
  const forgetAfterMs = options.forgetAfterMs ?? 60 * 60_000
  const maxKeys = options.maxKeys ?? 100_000
  const entries = new Map<string, Entry>()

  const current = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (now - entry.lastFailureAt > forgetAfterMs && now >= entry.blockedUntil) {
      entries.delete(key)
      return undefined
    }
    return entry
  }

  const delayAfter = (failures: number, freeAttempts: number): number =>
    failures < freeAttempts ? 0 : Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(30, failures - freeAttempts))

  const fail = (rule: Rule, now: number): void => {
    const entry = current(rule.key, now) ?? { failures: 0, blockedUntil: 0, lastFailureAt: now }
    entry.failures += 1
    entry.lastFailureAt = now
    entry.blockedUntil = now + delayAfter(entry.failures, rule.freeAttempts)
    // Re-inserting keeps the map in order of last failure, so the oldest key is the first one.
    entries.delete(rule.key)
    entries.set(rule.key, entry)
    while (entries.size > maxKeys) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
  }

  const rulesOf = (attempt: LoginAttempt): ReadonlyArray<Rule> => {
    // JSON keeps any character of the name from making two keys equal.
    const account = JSON.stringify(attempt.username.slice(0, 256))
    const rules: Array<Rule> = [{ key: `account:${account}`, freeAttempts: accountFree }]
    if (attempt.remoteAddress !== undefined && attempt.remoteAddress !== "") {
      const address = addressKey(attempt.remoteAddress)
      rules.push({ key: `address:${address}`, freeAttempts: addressFree })
      rules.push({ key: `pair:${address}:${account}`, freeAttempts: pairFree })
    } else {
      // Without an address the account's own budget is the pair's.
      rules.push({ key: `pair::${account}`, freeAttempts: pairFree })
    }
    return rules
  }

  return {
    begin: (attempt) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const rules = rulesOf(attempt)
        const waitMs = Math.max(0, ...rules.map((rule) => (current(rule.key, now)?.blockedUntil ?? 0) - now))
        if (waitMs > 0) return Effect.fail({ retryAfterMs: Math.ceil(waitMs) })
        for (const rule of rules) fail(rule, now)
        return Effect.succeed({
          succeeded: Effect.sync(() => {
            for (const rule of rules) {
              if (rule.key.startsWith("address:")) {
                const entry = entries.get(rule.key)
                // Only this attempt is taken back: a login to one's own account does not lift the address's wait.
                if (entry !== undefined) entry.failures = Math.max(0, entry.failures - 1)
              } else entries.delete(rule.key)
            }
          })
        })
      })
  }
}
