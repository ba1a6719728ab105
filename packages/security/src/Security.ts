import type { AuthenticatorShape, AuthorizerShape, Principal } from "@coderclaw/protocol"
import { Unauthenticated } from "@coderclaw/protocol"
import { Context, Effect, Layer, type Scope } from "effect"
import { makeSecurityAdmin, type SecurityAdminShape } from "./admin/SecurityAdmin.js"
import { AuditLog, type AuditLogShape } from "./audit/AuditLog.js"
import type { AuditStore } from "./audit/AuditStore.js"
import { attemptedAccountName } from "./audit/attemptedAccountName.js"
import { InMemoryAuditStore } from "./audit/InMemoryAuditStore.js"
import { makeSecurityAuthenticator } from "./authentication/makeSecurityAuthenticator.js"
import { makeTokenRouter, type RoutedVerifier } from "./authentication/TokenRouter.js"
import { makeSecurityAuthorizer } from "./authorization/makeSecurityAuthorizer.js"
import type { SecurityConfig } from "./config/SecurityConfig.js"
import { SecurityConfigError } from "./config/SecurityConfigError.js"
import { DevicePairing, type DevicePairingShape } from "./devices/DevicePairing.js"
import { DeviceProofVerifier, type DeviceProofVerifierShape } from "./devices/DeviceProofVerifier.js"
import type { DeviceStore } from "./devices/DeviceStore.js"
import { InMemoryDeviceStore } from "./devices/InMemoryDeviceStore.js"
import { githubActionsIssuer, makeGithubActionsVerifier } from "./identity/GithubActionsVerifier.js"
import { resolveGithubIdentity } from "./identity/GithubIdentity.js"
import { googleIssuers, makeGoogleVerifier } from "./identity/GoogleVerifier.js"
import type { Identity } from "./identity/Identity.js"
import { makeOidcVerifier } from "./identity/OidcVerifier.js"
import { ServerIdentity, type ServerIdentityShape } from "./identity/ServerIdentity.js"
import { TokenRejected } from "./identity/TokenRejected.js"
import { reasonCode } from "./internal/reasonWords.js"
import { InMemoryUserStore } from "./local/InMemoryUserStore.js"
import { LocalUsers, type LocalUsersShape } from "./local/LocalUsers.js"
import { revokeSessionsOnChange } from "./local/revokeSessionsOnChange.js"
import type { UserStore } from "./local/UserStore.js"
import type { PolicyConfig } from "./policies/PolicyConfig.js"
import { PolicyEngine, type PolicyEngineShape } from "./policies/PolicyEngine.js"
import { RoleGate, type RoleGateShape } from "./rbac/RoleGate.js"
import { makeRepositoryConstraints, type ServedRepository } from "./repository/RepositoryConstraints.js"
import { InMemorySessionStore } from "./sessions/InMemorySessionStore.js"
import { InMemorySigningKeyStore } from "./sessions/InMemorySigningKeyStore.js"
import type { Session } from "./sessions/Session.js"
import type { SessionStore } from "./sessions/SessionStore.js"
import { Sessions, type SessionsShape } from "./sessions/Sessions.js"
import { SessionTokens } from "./sessions/SessionTokens.js"
import type { SigningKeyStore } from "./sessions/SigningKeyStore.js"

/** The stores security keeps its state in: in memory, or (with `@coderclaw/store-sqlite`) in the runtime's database. */
export type SecurityStores = UserStore | SessionStore | SigningKeyStore | DeviceStore | AuditStore

/** A password login's outcome: the new session and the token that names it. */
export interface PasswordLogin {
  readonly session: Session
  readonly token: string
  readonly principal: Principal
}

/**
 * Everything security does, composed from one `security.yaml`: the two ports the runtime and the
 * WebSocket server consult (`authenticator`, `authorizer`), and the services behind them for
 * administration (accounts, sessions, devices, policies, audit).
 */
export interface SecurityShape {
  readonly config: SecurityConfig
  /** Implements the runtime's `Authenticator` port (see `makeSecurityAuthenticator`). */
  readonly authenticator: AuthenticatorShape
  /** Implements the runtime's `Authorizer` port (see `makeSecurityAuthorizer`). */
  readonly authorizer: AuthorizerShape
  readonly gate: RoleGateShape
  readonly policies: PolicyEngineShape
  readonly sessions: SessionsShape
  readonly users: LocalUsersShape
  readonly devices: DevicePairingShape
  readonly deviceProofs: DeviceProofVerifierShape
  readonly audit: AuditLogShape
  /**
   * Administrative decisions (devices approved, rejected, revoked; accounts created and changed; sessions
   * revoked), each audited by security itself. Prefer these to the services above for an operator's act.
   */
  readonly admin: SecurityAdminShape
  /** The server's identity key: proves the server in the handshake; its id is its tokens' audience. */
  readonly serverIdentity: ServerIdentityShape
  /**
   * Local accounts: verifies a password and opens a session (audited as `auth.login`). Every refusal is
   * `invalid_credentials`, whatever the cause, so a caller cannot probe which accounts exist.
   */
  loginWithPassword(
    username: string,
    password: string,
    options?: { readonly ttlMs?: number; readonly remoteAddress?: string }
  ): Effect.Effect<PasswordLogin, Unauthenticated>
}

/** Where the server runs work, beside its configuration. */
export interface SecurityOptions {
  /**
   * The repositories whose tasks run in this process, the first being where work that names no repository
   * runs. Each one's own `.coderclaw/policy.yaml` narrows the policies for work in it (see
   * `makeRepositoryConstraints`). Default: none.
   */
  readonly repositories?: ReadonlyArray<ServedRepository>
}

/**
 * The runtime's port tags, passed in by the caller: security implements the ports' shapes (declared in
 * `@coderclaw/protocol`) but does not import the runtime that declares the tags.
 */
export interface SecurityPortTags<AuthorizerId, AuthenticatorId> {
  readonly Authorizer: Context.Key<AuthorizerId, AuthorizerShape>
  readonly Authenticator: Context.Key<AuthenticatorId, AuthenticatorShape>
}

/** The composed security service. */
export class Security extends Context.Service<Security, SecurityShape>()("@coderclaw/security/Security") {
  /**
   * The runtime's `Authorizer` and `Authenticator` ports answered by the `Security` in context:
   * `Security.layerPorts({ Authorizer, Authenticator }).pipe(Layer.provideMerge(Security.layer(config)))`,
   * with the two tags imported from `@coderclaw/runtime`.
   */
  static readonly layerPorts = <AuthorizerId, AuthenticatorId>(
    tags: SecurityPortTags<AuthorizerId, AuthenticatorId>
  ): Layer.Layer<AuthorizerId | AuthenticatorId, never, Security> =>
    Layer.mergeAll(
      Layer.effect(
        tags.Authorizer,
        Effect.map(securityInContext, (security) => security.authorizer)
      ),
      Layer.effect(
        tags.Authenticator,
        Effect.map(securityInContext, (security) => security.authenticator)
      )
    )

  /** Security from a decoded configuration, keeping its state in the stores in context. */
  static readonly layer = (
    config: SecurityConfig,
    options: SecurityOptions = {}
  ): Layer.Layer<Security, SecurityConfigError, SecurityStores> =>
    Layer.effect(Security, assemble(config, options)).pipe(Layer.provide(servicesLayer(config)))

  /** Security with every store in memory: tests, and servers whose sessions need not survive a restart. */
  static readonly layerInMemory = (
    config: SecurityConfig,
    options: SecurityOptions = {}
  ): Layer.Layer<Security, SecurityConfigError> =>
    Security.layer(config, options).pipe(
      Layer.provide(
        Layer.mergeAll(
          InMemoryUserStore.layer,
          InMemorySessionStore.layer,
          InMemorySigningKeyStore.layer,
          InMemoryDeviceStore.layer,
          InMemoryAuditStore.layer
        )
      )
    )
}

const securityInContext: Effect.Effect<SecurityShape, never, Security> = Effect.gen(function* () {
  return yield* Security
})

const configError = (reason: SecurityConfigError["reason"], issues: ReadonlyArray<string>) =>
  new SecurityConfigError({ reason, source: "security configuration", issues: [...issues] })

/** Builds the configured token verifiers, each with the issuers it answers for. */
const makeVerifiers = (config: SecurityConfig) =>
  Effect.gen(function* () {
    const routed: Array<RoutedVerifier> = []
    const providers = config.providers
    for (const oidc of providers.oidc ?? []) {
      const verifier = yield* makeOidcVerifier(oidc)
      routed.push({ issuers: typeof oidc.issuer === "string" ? [oidc.issuer] : oidc.issuer, verifier })
    }
    if (providers.google !== undefined) {
      routed.push({ issuers: googleIssuers, verifier: yield* makeGoogleVerifier(providers.google) })
    }
    if (providers.githubActions !== undefined) {
      const issuer = providers.githubActions.issuer ?? githubActionsIssuer
      routed.push({
        issuers: typeof issuer === "string" ? [issuer] : issuer,
        verifier: yield* makeGithubActionsVerifier(providers.githubActions)
      })
    }
    return routed
  }).pipe(
    Effect.mapError((invalid) =>
      configError(
        "InvalidProvider",
        invalid.issues.map((issue) => `${invalid.provider}: ${issue}`)
      )
    )
  )

const serverIdentityInContext: Effect.Effect<ServerIdentityShape, never, ServerIdentity> = Effect.gen(function* () {
  return yield* ServerIdentity
})

// A sub-layer's failure as security's configuration error; `catchTag` keeps what the layer provides.
const failWith = <I, S>(tag: Context.Key<I, S>, error: SecurityConfigError): Layer.Layer<I, SecurityConfigError> =>
  Layer.effect(tag, Effect.fail(error))

/**
 * The services security is composed of, each from its own layer, configured from `config` and with its
 * errors turned into `SecurityConfigError`: roles and policies, the server identity, session tokens and
 * sessions, local accounts, device proofs and pairing, the audit log.
 */
const servicesLayer = (config: SecurityConfig) => {
  const gate = RoleGate.layer(config.roles ?? []).pipe(
    Layer.catchTag("RoleConfigError", (error) => failWith(RoleGate, configError("InvalidRoles", [error.message])))
  )
  const policies = PolicyEngine.layer(config.policies ?? {}, { cacheSize: config.decisionCacheSize }).pipe(
    Layer.catchTag("PolicyLoadError", (error) =>
      failWith(PolicyEngine, configError("InvalidPolicies", [error.message]))
    )
  )
  const identity = ServerIdentity.layer.pipe(
    Layer.catchTag("SessionRejected", (error) =>
      failWith(ServerIdentity, configError("InvalidConfig", [`server identity: ${error.message}`]))
    )
  )
  const tokens = Layer.unwrap(
    Effect.map(serverIdentityInContext, (server: ServerIdentityShape) =>
      SessionTokens.layer({
        issuer: config.sessions.issuer,
        audience: config.sessions.audience,
        serverAudience: server.audience,
        ...(config.sessions.maxTtlMs === undefined ? {} : { maxTokenTtlMs: config.sessions.maxTtlMs })
      })
    )
  )
  const sessions = Sessions.layer({ maxTtlMs: config.sessions.maxTtlMs, defaultTtlMs: config.sessions.defaultTtlMs })
    .pipe(Layer.provide(tokens))
    .pipe(
      Layer.catchTag("SessionRejected", (error) =>
        failWith(Sessions, configError("InvalidConfig", [`sessions: ${error.message}`]))
      )
    )
  const minPasswordLength = config.providers.local?.minPasswordLength
  const users = LocalUsers.layer(minPasswordLength === undefined ? {} : { minPasswordLength }).pipe(
    Layer.catchTag("LocalUserError", (error) =>
      failWith(LocalUsers, configError("InvalidProvider", [`local: ${error.message}`]))
    )
  )
  const devices = config.devices ?? {}
  return Layer.mergeAll(
    policies.pipe(Layer.provideMerge(gate)),
    sessions.pipe(Layer.provideMerge(identity)),
    users,
    DeviceProofVerifier.layer({
      maxClockSkewMs: devices.maxClockSkewMs,
      maxFutureSkewMs: devices.maxFutureSkewMs,
      replayCacheSize: devices.replayCacheSize
    }),
    DevicePairing.layer({
      requestTtlMs: devices.pairingTtlMs,
      maxPendingPerPrincipal: devices.maxPendingPairingsPerUser,
      maxPendingPerAddress: devices.maxPendingPairingsPerAddress
    }),
    AuditLog.layer
  )
}

/** The services `servicesLayer` provides, which `assemble` wires into the ports and operations. */
type SecurityServices =
  | RoleGate
  | PolicyEngine
  | ServerIdentity
  | Sessions
  | LocalUsers
  | DeviceProofVerifier
  | DevicePairing
  | AuditLog

/** Wires the composed services into the two runtime ports, the audited admin operations and password login. */
const assemble = (
  config: SecurityConfig,
  options: SecurityOptions
): Effect.Effect<SecurityShape, SecurityConfigError, SecurityServices> =>
  Effect.gen(function* () {
    const gate = yield* RoleGate
    const policies = yield* PolicyEngine
    const serverIdentity = yield* ServerIdentity
    const sessions = yield* Sessions
    // Disabling, deleting or re-roling an account ends its sessions, whichever process does it.
    const users = revokeSessionsOnChange(yield* LocalUsers, sessions.revokeAllFor)
    const deviceProofs = yield* DeviceProofVerifier
    const devices = yield* DevicePairing
    const log = yield* AuditLog
    // Plain `verify` checks the heads this server signed into the log (see `signAuditHead`).
    const audit: AuditLogShape = {
      ...log,
      verify: (options) => log.verify({ signedHeadKey: serverIdentity.key.publicKey, ...options })
    }
    const route = makeTokenRouter(yield* makeVerifiers(config))
    const github = config.providers.github

    const verifyProviderToken = (token: string, issuer: string | undefined): Effect.Effect<Identity, TokenRejected> =>
      issuer === undefined && github !== undefined
        ? resolveGithubIdentity({
            accessToken: token,
            rules: github.rules,
            ...(github.apiBaseUrl === undefined ? {} : { apiBaseUrl: github.apiBaseUrl })
          }).pipe(
            Effect.mapError(
              (failed) =>
                new TokenRejected({
                  provider: "github",
                  reason: failed.reason === "TokenRejected" ? "ProviderRefused" : "ProviderUnavailable",
                  detail: failed.message
                })
            )
          )
        : route(token, issuer)

    const authenticator = makeSecurityAuthenticator({
      sessionIssuer: config.sessions.issuer,
      sessions,
      deviceProofs,
      audit,
      verifyProviderToken,
      devices,
      ...(config.providers.local === undefined
        ? {}
        : {
            verifyPassword: (
              username: string,
              password: string,
              context: { readonly remoteAddress?: string | undefined }
            ) => users.verifyPassword(username, password, context)
          })
    })
    const repositories =
      options.repositories === undefined || options.repositories.length === 0
        ? undefined
        : // The policy engine loaded this section already, so it is a valid `PolicyConfig`.
          makeRepositoryConstraints({
            repositories: options.repositories,
            server: (config.policies ?? {}) as PolicyConfig
          })
    const authorizer = makeSecurityAuthorizer({ sessions, gate, policies, audit, repositories })

    const loginWithPassword: SecurityShape["loginWithPassword"] = (username, password, options = {}) => {
      let retryAfterMs: number | undefined
      return Effect.gen(function* () {
        if (config.providers.local === undefined) return yield* Effect.fail("local-provider-disabled")
        const identity = yield* users.verifyPassword(username, password, { remoteAddress: options.remoteAddress }).pipe(
          Effect.mapError((error) => {
            retryAfterMs = error.retryAfterMs
            return `local:${reasonCode(error.reason)}`
          })
        )
        const created = yield* sessions
          .create({ identity, ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }) })
          .pipe(Effect.mapError((error) => `session:${reasonCode(error.reason)}`))
        return { ...created, principal: sessions.toPrincipal(created.session) }
      }).pipe(
        Effect.tap((login) =>
          audit
            .record({
              actor: login.principal.id,
              session: login.session.id,
              action: "auth.login",
              decision: "success",
              reasons: ["via:local"],
              remoteAddress: options.remoteAddress
            })
            .pipe(Effect.ignore)
        ),
        Effect.tapError((reason) =>
          audit
            .record({
              action: "auth.login",
              resource: `account/local/${attemptedAccountName(username)}`,
              decision: "failure",
              reasons: [reason],
              remoteAddress: options.remoteAddress
            })
            .pipe(Effect.ignore)
        ),
        Effect.mapError((reason) =>
          reason === "local:throttled" && retryAfterMs !== undefined
            ? new Unauthenticated({ reason: "throttled", retryAfterMs: Math.ceil(retryAfterMs) })
            : new Unauthenticated({ reason: "invalid_credentials" })
        )
      )
    }

    return {
      config,
      authenticator,
      authorizer,
      gate,
      policies,
      sessions,
      users,
      devices,
      deviceProofs,
      audit,
      admin: makeSecurityAdmin({ users, sessions, devices, audit }),
      serverIdentity,
      loginWithPassword
    } satisfies SecurityShape
  })

/**
 * Builds security from its configuration over the stores in context, in the current scope: what
 * `Security.layer` provides, for callers that hold the service themselves.
 */
export const makeSecurity = (
  config: SecurityConfig,
  options: SecurityOptions = {}
): Effect.Effect<SecurityShape, SecurityConfigError, SecurityStores | Scope.Scope> =>
  Effect.map(Layer.build(Security.layer(config, options)), (context) => Context.get(context, Security))
