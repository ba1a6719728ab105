import type { DeviceRecord, LocalUserProfile, SecurityShape } from "@coderclaw/security"
import { Effect } from "effect"

/** Anything holding the security service of a server, e.g. the `CoderclawServer` of `startServer`. */
export interface HasSecurity {
  readonly security: SecurityShape
}

/** A local account to create. */
export interface NewUser {
  /** Lowercase letters, digits, `.`, `_`, `-`. Its principal id is `local:<username>`. */
  readonly username: string
  /** At least the configured minimum length (12 by default). */
  readonly password: string
  /** Built-in (`admin`, `developer`, `readonly`, `ci`) or custom roles of the security configuration. */
  readonly roles: ReadonlyArray<string>
  readonly displayName?: string
}

/**
 * Creates a local account on a running server (audited as `user.create`), for apps that provision their
 * own users. Rejects with `LocalUserError` (`already_exists`, `weak_password`, `invalid_username`,
 * `invalid_roles`, …).
 */
export const addUser = (server: HasSecurity, user: NewUser): Promise<LocalUserProfile> => {
  const { security } = server
  return Effect.runPromise(
    security.admin.createUser(
      {
        username: user.username,
        password: user.password,
        roles: user.roles,
        ...(user.displayName === undefined ? {} : { displayName: user.displayName })
      },
      { actor: "system:app", via: "app" }
    )
  )
}

/** Which device to pair, with whom, and who decides. */
export interface ApproveDeviceOptions {
  /** The device id (`dev_…`), as `SignedIn.principal.deviceId` shows after a sign-in with the device's key. */
  readonly deviceId: string
  /** Pair only a request of this principal (e.g. `local:alice`); default the device's only pending request. */
  readonly principalId?: string
  /** Recorded as the approver in the device record and the audit log. Default `system:app`. */
  readonly approvedBy?: string
}

/**
 * Approves the pending pairing request of a device, so that its next connection is `trusted`. A device
 * asks to be paired by signing in with its key (`signIn` with `device`); the app, acting as an operator
 * with `device:approve`, then approves it here (audited as `device.approve`). Rejects with `DeviceError`
 * (`not_found` when the device has no pending request, `ambiguous` when several principals asked and
 * `principalId` names none of them, `expired`, …).
 */
export const approveDevice = (server: HasSecurity, options: ApproveDeviceOptions): Promise<DeviceRecord> => {
  const { security } = server
  const operator = { principalId: options.approvedBy ?? "system:app", permissions: new Set(["device:approve"]) }
  const approve = security.admin.approveDevice(options.deviceId, operator, {
    actor: operator.principalId,
    via: "app",
    principalId: options.principalId
  })
  return Effect.runPromise(Effect.map(approve, (decision) => decision.device))
}
