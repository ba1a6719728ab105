import type { AuditDecision, AuditDetailValue } from "./AuditEntry.js"

/**
 * What a caller hands to `AuditLog.record`: the facts of one event. The log adds `seq`, `id`, `at`,
 * `prevHash` and `hash`, and redacts secrets and caps sizes first (see `redactAuditInput`), so passing a
 * raw header or error text here cannot leak a credential into the log.
 */
export interface AuditInput {
  /** The principal id; absent or empty means `anonymous` (e.g. a failed login). */
  readonly actor?: string | undefined
  readonly device?: string | undefined
  readonly session?: string | undefined
  /** A dotted verb: letters, digits, `_` and `-`, in parts joined by `.`, `:` or `/` (`auth.login`). */
  readonly action: string
  readonly resource?: string | undefined
  readonly decision: AuditDecision
  readonly reasons?: ReadonlyArray<string> | undefined
  readonly requestId?: string | undefined
  readonly remoteAddress?: string | undefined
  /** Small, flat, non-secret facts. Keys with `undefined` values are left out. */
  readonly details?: Readonly<Record<string, AuditDetailValue | undefined>> | undefined
}

/** Longest `action` accepted by `record`. */
export const auditActionMaxLength = 128

/** The form of an `action`: `auth.login`, `authz.decide`, `task.submit`, `device.approve`. */
export const auditActionPattern: RegExp = /^[A-Za-z][A-Za-z0-9_-]*(?:[.:/][A-Za-z0-9_-]+)*$/

/** Whether `action` is an action name `record` accepts. */
export const isAuditAction = (action: string): boolean =>
  action.length <= auditActionMaxLength && auditActionPattern.test(action)
