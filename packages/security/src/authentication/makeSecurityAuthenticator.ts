import {
  type Authenticated,
  type AuthenticationRequest,
  type AuthenticatorShape,
  type Principal,
  Unauthenticated
} from "@coderclaw/protocol"
import { Effect } from "effect"
import type { AuditLogShape } from "../audit/AuditLog.js"
import { attemptedAccountName } from "../audit/attemptedAccountName.js"
import type { DevicePairingShape } from "../devices/DevicePairing.js"
import type { DeviceProofVerifierShape, VerifiedDevice } from "../devices/DeviceProofVerifier.js"
import type { Identity } from "../identity/Identity.js"
import { type TokenRejected, unauthenticatedFrom } from "../identity/TokenRejected.js"
import { reasonCode } from "../internal/reasonWords.js"
import { type SessionRejected, unauthenticatedReason } from "../sessions/SessionRejected.js"
import type { SessionsShape } from "../sessions/Sessions.js"
import { effectiveScopes } from "../sessions/scopeAllows.js"
import { unverifiedIssuer } from "./TokenRouter.js"

/** What the authenticator is built from. */
export interface SecurityAuthenticatorParts {
  /** The `iss` of the runtime's own session tokens. */
  readonly sessionIssuer: string
  readonly sessions: SessionsShape
  readonly deviceProofs: DeviceProofVerifierShape
  readonly audit: AuditLogShape
  /** Verifies a provider token (OIDC, Google, GitHub Actions, GitHub access token) into an identity. */
  readonly verifyProviderToken: (token: string, issuer: string | undefined) => Effect.Effect<Identity, TokenRejected>
  /** Where unpaired devices that proved their key ask to be paired; absent to leave pairing to the caller. */
  readonly devices?: DevicePairingShape
  /** Verifies a local account's password; absent when local accounts are not configured. */
  readonly verifyPassword?: (
    username: string,
    password: string,
    context: { readonly remoteAddress?: string | undefined }
  ) => Effect.Effect<Identity, { readonly reason: string; readonly retryAfterMs?: number | undefined }>
}

/** A refusal of the connection, with the words the audit log keeps. */
interface Refusal {
  readonly error: Unauthenticated
  readonly reasons: ReadonlyArray<string>
  readonly actor?: string
}

const refuse = (reason: Unauthenticated["reason"], ...reasons: ReadonlyArray<string>): Refusal => ({
  error: new Unauthenticated({ reason }),
  reasons
})

/**
 * The `AuthenticatorShape` of `@coderclaw/security`, consulted once per connection:
 *
 * 1. `development` credentials are refused: only the runtime's insecure development authenticator takes them.
 * 2. A token issued by this server (`sessions.issuer`) names an existing session: it is verified (EdDSA,
 *    our keys), and the session must be neither expired nor revoked.
 * 3. Any other token goes to the provider configured for its issuer (OIDC, Google, GitHub Actions; a
 *    non-JWT token to GitHub's user API when GitHub is configured) and, verified, starts a new session
 *    with the roles the provider's configuration maps the identity to. `password` credentials do the same
 *    through the local accounts. A new session's token is returned for `hello.session`.
 * 4. A device proof, when present, must verify against this connection's nonce, or the connection is
 *    refused; it makes the principal `verified`, or `trusted` when the device is paired to that principal.
 *    Without one the principal is `untrusted`.
 *
 * Every attempt, accepted or refused, is an `auth.connect` audit entry; tokens never enter it. A password
 * attempt names the account it tried as its `resource` (`account/local/<name>`, sanitised and bounded);
 * too many recent failures refuse it as `throttled`, with `retryAfterMs`, before any password work.
 */
export const makeSecurityAuthenticator = (parts: SecurityAuthenticatorParts): AuthenticatorShape => {
  const { sessions, deviceProofs, audit } = parts

  const checkDevice = (request: AuthenticationRequest, principalId: string) =>
    request.device === undefined
      ? Effect.succeed(undefined)
      : deviceProofs.verify({ proof: request.device, nonce: request.nonce, principalId }).pipe(
          Effect.mapError((error): Refusal => {
            if (error.operation === "store") return refuse("device_proof_failed", "device:store-unavailable")
            return {
              ...refuse(
                error.reason === "Revoked" ? "revoked" : "device_proof_failed",
                `device:${reasonCode(error.reason)}`
              ),
              actor: principalId
            }
          }),
          Effect.tap((device) =>
            device.trust === "verified" ? askToPair(device, principalId, request.remoteAddress) : Effect.void
          )
        )

  // A device that proved its key but is not paired to this principal asks to be: an operator with
  // `device:approve` sees the request (`coderclaw devices pending`) and approves or rejects it. Asking
  // again while a request is pending returns that request, so reconnecting does not pile them up.
  // Past the per-principal or per-address cap of pending requests the connection is refused: a caller
  // cannot bury operators under requests, and learns why (audited as `device.pairing_refused`).
  const askToPair = (device: VerifiedDevice, principalId: string, remoteAddress: string | undefined) =>
    parts.devices === undefined
      ? Effect.void
      : parts.devices
          .requestPairing({
            deviceId: device.deviceId,
            publicKey: device.publicKey,
            principalId,
            name: device.deviceId,
            ...(remoteAddress === undefined ? {} : { remoteAddress })
          })
          .pipe(
            Effect.tap((pairing) =>
              audit.record({
                actor: principalId,
                device: device.deviceId,
                action: "device.pairing_requested",
                resource: `pairing/${pairing.id}`,
                decision: "info",
                reasons: [pairing.status]
              })
            ),
            Effect.catch((error) =>
              error.reason === "TooManyRequests"
                ? audit
                    .record({
                      actor: principalId,
                      device: device.deviceId,
                      action: "device.pairing_refused",
                      decision: "failure",
                      reasons: ["device:too-many-pending-pairing-requests"],
                      remoteAddress,
                      details: { detail: error.message }
                    })
                    .pipe(
                      Effect.ignore,
                      Effect.andThen(
                        Effect.fail<Refusal>({
                          ...refuse("device_proof_failed", "device:too-many-pending-pairing-requests"),
                          actor: principalId
                        })
                      )
                    )
                : Effect.void
            )
          )

  // The device proved on this connection decides its trust, and the scopes it signed narrow the session's.
  const withDevice = (
    principal: Principal,
    device: VerifiedDevice | undefined,
    sessionScopes: ReadonlyArray<string>
  ) => {
    const { deviceId: _deviceId, scopes: _scopes, ...rest } = principal
    const scopes = effectiveScopes(sessionScopes, device?.scopes)
    const narrowed = scopes === undefined ? {} : { scopes: [...scopes] }
    return (
      device === undefined
        ? { ...rest, trust: "untrusted", ...narrowed }
        : { ...rest, deviceId: device.deviceId, trust: device.trust, ...narrowed }
    ) satisfies Principal
  }

  const fromSessionToken = (request: AuthenticationRequest, token: string) =>
    Effect.gen(function* () {
      const session = yield* sessions.verifyToken(token).pipe(
        Effect.mapError((rejected): Refusal => {
          return refuse(unauthenticatedReason(rejected.reason), `session:${reasonCode(rejected.reason)}`)
        })
      )
      const device = yield* checkDevice(request, session.principalId)
      const authenticated: Authenticated = {
        principal: withDevice(sessions.toPrincipal(session), device, session.scopes)
      }
      return { authenticated, via: "session" }
    })

  const fromProviderToken = (request: AuthenticationRequest, token: string, issuer: string | undefined) =>
    parts.verifyProviderToken(token, issuer).pipe(
      Effect.mapError(
        (rejected): Refusal => ({
          error: unauthenticatedFrom(rejected),
          reasons: [`${rejected.provider}:${reasonCode(rejected.reason)}`]
        })
      ),
      Effect.flatMap((identity) => openSession(request, identity))
    )

  const fromPassword = (request: AuthenticationRequest, username: string, password: string) => {
    const verifyPassword = parts.verifyPassword
    if (verifyPassword === undefined) return Effect.fail(refuse("invalid_credentials", "local:disabled"))
    return verifyPassword(username, password, { remoteAddress: request.remoteAddress }).pipe(
      Effect.mapError((rejected): Refusal => {
        if (rejected.reason !== "Throttled" || rejected.retryAfterMs === undefined)
          return refuse("invalid_credentials", `local:${reasonCode(rejected.reason)}`)
        const retryAfterMs = Math.ceil(rejected.retryAfterMs)
        return {
          error: new Unauthenticated({ reason: "throttled", retryAfterMs }),
          reasons: ["local:throttled", `retry-after-ms:${retryAfterMs}`]
        }
      }),
      Effect.flatMap((identity) => openSession(request, identity))
    )
  }

  /** A verified identity, with the device proved on this connection, becomes a new session. */
  const openSession = (request: AuthenticationRequest, identity: Identity) =>
    Effect.gen(function* () {
      const device = yield* checkDevice(request, identity.principalId)
      const created = yield* sessions
        .create({
          identity,
          ...(device === undefined ? {} : { device: { deviceId: device.deviceId, trust: device.trust } }),
          ...(device === undefined ? {} : { scopes: device.scopes })
        })
        .pipe(
          Effect.mapError(
            (rejected): Refusal => ({
              ...refuse("invalid_credentials", `session:${reasonCode(rejected.reason)}`),
              actor: identity.principalId
            })
          )
        )
      const authenticated: Authenticated = {
        principal: sessions.toPrincipal(created.session),
        session: { token: created.token, expiresAt: created.session.expiresAt }
      }
      return { authenticated, via: identity.provider }
    })

  const record = (
    request: AuthenticationRequest,
    entry: { actor?: string; principal?: Principal; ok: boolean; reasons: ReadonlyArray<string> }
  ) =>
    audit
      .record({
        actor: entry.principal?.id ?? entry.actor,
        device: entry.principal?.deviceId ?? request.device?.deviceId,
        session: entry.principal?.sessionId,
        action: "auth.connect",
        decision: entry.ok ? "success" : "failure",
        reasons: entry.reasons,
        // A password login names the account it tried, accepted or not (never the password).
        resource:
          request.credentials.type === "password"
            ? `account/local/${attemptedAccountName(request.credentials.username)}`
            : undefined,
        requestId: request.connectionId,
        remoteAddress: request.remoteAddress,
        details: { trust: entry.principal?.trust, origin: request.origin }
      })
      .pipe(Effect.ignore)

  const toUnauthenticated = (rejected: SessionRejected) =>
    new Unauthenticated({ reason: unauthenticatedReason(rejected.reason) })

  // Every call and stream delivery asks this, so it is the cached check, not a store read.
  const check = (principal: Principal) =>
    sessions.check(principal.sessionId).pipe(
      Effect.mapError(toUnauthenticated),
      Effect.flatMap((session) =>
        session.principalId === principal.id
          ? Effect.void
          : Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
      )
    )

  const logout = (principal: Principal) =>
    check(principal).pipe(
      Effect.andThen(sessions.revoke(principal.sessionId).pipe(Effect.mapError(toUnauthenticated))),
      Effect.andThen(
        audit
          .record({
            actor: principal.id,
            device: principal.deviceId,
            session: principal.sessionId,
            action: "auth.logout",
            resource: `session/${principal.sessionId}`,
            decision: "success",
            reasons: ["via:session.logout"]
          })
          .pipe(Effect.ignore)
      )
    )

  return {
    check,
    logout,
    authenticate: (request) =>
      Effect.gen(function* () {
        const { credentials } = request
        if (credentials.type === "password")
          return yield* fromPassword(request, credentials.username, credentials.password)
        if (credentials.type !== "token")
          return yield* Effect.fail(refuse("invalid_credentials", "credentials:not-accepted"))
        const issuer = unverifiedIssuer(credentials.token)
        return issuer !== undefined && issuer === parts.sessionIssuer
          ? yield* fromSessionToken(request, credentials.token)
          : yield* fromProviderToken(request, credentials.token, issuer)
      }).pipe(
        Effect.tap(({ authenticated, via }) =>
          record(request, { principal: authenticated.principal, ok: true, reasons: [`via:${via}`] })
        ),
        Effect.map(({ authenticated }) => authenticated),
        Effect.tapError((refusal) =>
          record(request, {
            ...(refusal.actor === undefined ? {} : { actor: refusal.actor }),
            ok: false,
            reasons: refusal.reasons
          })
        ),
        Effect.mapError((refusal) => refusal.error)
      )
  }
}
