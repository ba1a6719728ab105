import { Effect } from "effect"
import type { AuditDetailValue } from "../audit/AuditEntry.js"
import type { AuditError } from "../audit/AuditError.js"
import type { AuditLogShape } from "../audit/AuditLog.js"
import type { DeviceError } from "../devices/DeviceError.js"
import type { DeviceOperator } from "../devices/DeviceOperator.js"
import type { DevicePairingShape } from "../devices/DevicePairing.js"
import type { DevicePairingRequest } from "../devices/DevicePairingRequest.js"
import type { DeviceRecord } from "../devices/DeviceRecord.js"
import { deviceIdPrefix } from "../devices/deviceIdOf.js"
import { reasonCode } from "../internal/reasonWords.js"
import type { LocalUserProfile } from "../local/LocalUser.js"
import type { LocalUserError } from "../local/LocalUserError.js"
import type { LocalUsersShape, NewLocalUser } from "../local/LocalUsers.js"
import type { SessionRejected } from "../sessions/SessionRejected.js"
import type { SessionsShape } from "../sessions/Sessions.js"

/**
 * Who asks for an administrative change and through what, recorded with it. `actor` is the principal the
 * entry names when no device operator does (`system:cli`, `system:app`); `via` becomes the `via:<name>`
 * reason; `details` are added to the entry (e.g. the operating-system user).
 */
export interface AdminContext {
  readonly actor: string
  readonly via: string
  readonly details?: Readonly<Record<string, AuditDetailValue | undefined>> | undefined
}

/** A change to an existing local account, audited as `user.<action>`. */
export type LocalUserChange =
  | { readonly action: "disable" }
  | { readonly action: "enable" }
  | { readonly action: "delete" }
  | { readonly action: "roles"; readonly roles: ReadonlyArray<string> }
  | { readonly action: "password"; readonly password: string }

/** A pairing decision: the request decided, its device and principal, and the operator who decided. */
export interface PairingDecision {
  readonly requestId: string
  readonly deviceId: string
  readonly principalId: string
  readonly operator: string
}

/**
 * Administrative decisions, each written to the audit log by security itself, success or refusal, so no
 * caller can forget to: devices approved, rejected and revoked (`device.approve|reject|revoke`), accounts
 * created and changed (`user.create`, `user.<action>`), sessions revoked (`session.revoke`). The decision
 * stands when it is refused by the log: the failure is then `AuditError`, for the caller to report.
 */
export interface SecurityAdminShape {
  /**
   * Approves the pending request named by a request id or a device id (`DevicePairing.findPending`): the
   * device is paired to the requesting principal. Fails as `DevicePairing.approve` does, and
   * `not_found`/`ambiguous` (not audited: nothing was decided) for a device id without exactly one
   * pending request.
   */
  approveDevice(
    id: string,
    operator: DeviceOperator,
    context: AdminContext & { readonly principalId?: string | undefined }
  ): Effect.Effect<PairingDecision & { readonly device: DeviceRecord }, DeviceError | AuditError>
  /** Rejects the pending request named by a request id or device id; `reason` is kept with the request. */
  rejectDevice(
    id: string,
    operator: DeviceOperator,
    context: AdminContext & { readonly reason?: string | undefined }
  ): Effect.Effect<PairingDecision & { readonly request: DevicePairingRequest }, DeviceError | AuditError>
  /** Revokes a device for good (see `DevicePairing.revoke`). */
  revokeDevice(
    deviceId: string,
    operator: DeviceOperator,
    context: AdminContext
  ): Effect.Effect<DeviceRecord, DeviceError | AuditError>
  /** Creates a local account; the entry names its roles, never its password. */
  createUser(user: NewLocalUser, context: AdminContext): Effect.Effect<LocalUserProfile, LocalUserError | AuditError>
  /** Changes an account; disabling, deleting and re-roling also end its sessions (noted `sessions:revoked`). */
  changeUser(
    username: string,
    change: LocalUserChange,
    context: AdminContext
  ): Effect.Effect<void, LocalUserError | AuditError>
  /** Revokes one session (`sessionId`) or every session of a principal (`principalId`); returns how many. */
  revokeSessions(
    target: { readonly sessionId: string } | { readonly principalId: string },
    context: AdminContext
  ): Effect.Effect<number, SessionRejected | AuditError>
}

/** The services the administrative operations act on and the log they write to. */
export interface SecurityAdminParts {
  readonly users: LocalUsersShape
  readonly sessions: SessionsShape
  readonly devices: DevicePairingShape
  readonly audit: AuditLogShape
}

/** Builds the audited administrative operations over security's services. */
export const makeSecurityAdmin = ({ users, sessions, devices, audit }: SecurityAdminParts): SecurityAdminShape => {
  /**
   * Runs `operation` and records its outcome: `success` (a failure to record fails the call), or `failure`
   * with the refusal's reason (best effort: the refusal is what the caller must see).
   */
  const audited = <A, E extends { readonly reason: string }>(
    operation: Effect.Effect<A, E>,
    entry: (
      outcome: { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: E }
    ) => Parameters<AuditLogShape["record"]>[0]
  ): Effect.Effect<A, E | AuditError> =>
    operation.pipe(
      Effect.tapError((error) => audit.record(entry({ ok: false, error })).pipe(Effect.ignore)),
      Effect.tap((value) => audit.record(entry({ ok: true, value })))
    )

  const reasonsOf = (context: AdminContext, extra: ReadonlyArray<string> = []) => [`via:${context.via}`, ...extra]
  const pairingReason = (error: DeviceError) =>
    error.operation === "store" ? "device-store:failed" : `pairing:${reasonCode(error.reason)}`

  const decide = <A extends { readonly deviceId: string; readonly principalId: string }>(
    verb: "approve" | "reject",
    id: string,
    operator: DeviceOperator,
    context: AdminContext & { readonly principalId?: string | undefined; readonly reason?: string | undefined },
    apply: (requestId: string) => Effect.Effect<A, DeviceError>
  ) =>
    Effect.gen(function* () {
      // A request id is decided as given (a refusal is audited); a device id must name one pending request.
      const requestId = id.startsWith(deviceIdPrefix) ? (yield* devices.findPending(id, context.principalId)).id : id
      const decided = yield* audited(apply(requestId), (outcome) => ({
        actor: operator.principalId,
        device: outcome.ok ? outcome.value.deviceId : undefined,
        action: `device.${verb}`,
        resource: `pairing/${requestId}`,
        decision: outcome.ok ? "success" : "failure",
        reasons: reasonsOf(context, outcome.ok ? [] : [pairingReason(outcome.error)]),
        details: { ...context.details, reason: context.reason }
      }))
      return {
        ...decided,
        requestId,
        deviceId: decided.deviceId,
        principalId: decided.principalId,
        operator: operator.principalId
      }
    })

  const userAction = (change: LocalUserChange) => {
    switch (change.action) {
      case "disable":
        return users.disable
      case "enable":
        return users.enable
      case "delete":
        return users.deleteUser
      case "roles":
        return (username: string) => users.setRoles(username, change.roles)
      case "password":
        return (username: string) => users.setPassword(username, change.password)
    }
  }
  // The account service revokes the sessions on these changes (see `revokeSessionsOnChange`).
  const endsSessions = (change: LocalUserChange) =>
    change.action === "disable" || change.action === "delete" || change.action === "roles"

  return {
    approveDevice: (id, operator, context) =>
      decide("approve", id, operator, context, (requestId) =>
        Effect.map(devices.approve(requestId, operator), (device) => ({
          device,
          deviceId: device.deviceId,
          principalId: device.principalId
        }))
      ),
    rejectDevice: (id, operator, context) =>
      decide("reject", id, operator, context, (requestId) =>
        Effect.map(devices.reject(requestId, operator, context.reason), (request) => ({
          request,
          deviceId: request.deviceId,
          principalId: request.principalId
        }))
      ),
    revokeDevice: (deviceId, operator, context) =>
      audited(devices.revoke(deviceId, operator), (outcome) => ({
        actor: operator.principalId,
        device: deviceId,
        action: "device.revoke",
        resource: `device/${deviceId}`,
        decision: outcome.ok ? "success" : "failure",
        reasons: reasonsOf(context, outcome.ok ? [] : [pairingReason(outcome.error)]),
        details: context.details
      })),
    createUser: (user, context) =>
      audited(users.createUser(user), (outcome) => ({
        actor: context.actor,
        action: "user.create",
        resource: `user/local:${user.username}`,
        decision: outcome.ok ? "success" : "failure",
        reasons: reasonsOf(context, outcome.ok ? [] : [`user:${reasonCode(outcome.error.reason)}`]),
        details: { roles: (outcome.ok ? outcome.value.roles : user.roles).join(","), ...context.details }
      })),
    changeUser: (username, change, context) =>
      audited(Effect.asVoid(userAction(change)(username)), (outcome) => ({
        actor: context.actor,
        action: `user.${change.action === "roles" ? "set_roles" : change.action === "password" ? "set_password" : change.action}`,
        resource: `user/local:${username}`,
        decision: outcome.ok ? "success" : "failure",
        reasons: reasonsOf(
          context,
          outcome.ok ? (endsSessions(change) ? ["sessions:revoked"] : []) : [`user:${reasonCode(outcome.error.reason)}`]
        ),
        details: { ...(change.action === "roles" ? { roles: change.roles.join(",") } : {}), ...context.details }
      })),
    revokeSessions: (target, context) =>
      audited(
        "sessionId" in target
          ? Effect.as(sessions.revoke(target.sessionId), 1)
          : sessions.revokeAllFor(target.principalId),
        (outcome) => ({
          actor: context.actor,
          action: "session.revoke",
          resource: "sessionId" in target ? `session/${target.sessionId}` : `user/${target.principalId}`,
          decision: outcome.ok ? "success" : "failure",
          reasons: reasonsOf(context, outcome.ok ? [] : [`session:${reasonCode(outcome.error.reason)}`]),
          details: { ...(outcome.ok ? { revoked: outcome.value } : {}), ...context.details }
        })
      )
  }
}
