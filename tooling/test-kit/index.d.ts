import type { Principal } from "@coderclaw/protocol"

export interface UntilOptions {
  /** How long to wait before failing (default 5 000 ms). */
  readonly timeoutMs?: number
  /** How long to sleep between two checks (default 10 ms). */
  readonly intervalMs?: number
  /** What is awaited, for the timeout's message (default "a condition"). */
  readonly what?: string
}

/**
 * Polls `condition` every `intervalMs` until it holds. After `timeoutMs` it fails with an error that names
 * what was awaited (`what`) and for how long.
 */
export declare const until: (condition: () => boolean | Promise<boolean>, options?: UntilOptions) => Promise<void>

/**
 * A trusted local user for tests: `testPrincipal("alice")` is `local:alice` in session `session-alice` with the
 * `developer` role; every field can be overridden.
 */
export declare const testPrincipal: (name: string, overrides?: Partial<Principal>) => Principal

/** `local:alice`, a developer in session `session-alice`. */
export declare const alice: Principal
/** `local:bob`, a developer in session `session-bob`. */
export declare const bob: Principal
/** `local:root`, an operator with the `admin` role in session `session-root`. */
export declare const admin: Principal
