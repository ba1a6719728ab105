import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Permission } from "@coderclaw/protocol"
import {
  builtinRoleTable,
  makeOidcVerifier,
  makePolicyEngine,
  makeRoleGate,
  makeSessions,
  makeSessionTokens,
  SessionStore,
  SessionTokens,
  SigningKeyStore
} from "@coderclaw/security"
import { SqliteSecurityStore } from "@coderclaw/store-sqlite/security"
import { Effect, Result } from "effect"
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose"

/** Authorization figures, each with the anchor it is compared to in the same run. */
export interface AuthorizationFigures {
  /** `RoleGate.allows` decisions per second. */
  readonly roleGatePerSecond: number
  /** Anchor: a `Set#has` lookup in a permission set computed beforehand (the least any check can do). */
  readonly setLookupPerSecond: number
  /** Policy decisions per second that reach Cedar (a new session each time, so nothing is cached). */
  readonly cedarUncachedPerSecond: number
  /** Policy decisions per second answered from the per-session cache. */
  readonly cedarCachedPerSecond: number
  /** ID tokens (ES256) verified per second by the OIDC verifier: size, header, claims, signature. */
  readonly jwtVerifierPerSecond: number
  /** Anchor: bare `jose.jwtVerify` of the same token with the key in hand. */
  readonly joseVerifyPerSecond: number
  /**
   * Per-call session checks per second (`Sessions.check` on the SQLite store: the revision read that
   * notices revocations by any process, then the cached session), compared with the role gate above.
   */
  readonly sessionCheckPerSecond: number
}

const perSecond = (count: number, startedAt: number) => count / ((performance.now() - startedAt) / 1_000)

const roleSets: ReadonlyArray<ReadonlyArray<string>> = [["developer"], ["readonly"], ["ci", "readonly"], ["admin"]]
const asked: ReadonlyArray<Permission> = ["task:submit", "task:cancel:any", "config:read", "audit:read"]

/**
 * Measures the role gate, Cedar (uncached and cached) and JWT verification. `quick` runs a few thousand
 * iterations of each, enough to prove the code paths work.
 */
export const measureAuthorization = (options: { readonly quick: boolean }): Promise<AuthorizationFigures> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const scale = options.quick ? 0.02 : 1

        const gate = makeRoleGate(builtinRoleTable)
        const gateRuns = Math.round(5_000_000 * scale)
        let granted = 0
        let startedAt = performance.now()
        for (let i = 0; i < gateRuns; i++)
          if (gate.allows(roleSets[i & 3] as Array<string>, asked[(i >> 2) & 3] as Permission)) granted++
        const roleGatePerSecond = perSecond(gateRuns, startedAt)
        const sets = roleSets.map((roles) => new Set<string>(gate.permissionsOf(roles)))
        let found = 0
        startedAt = performance.now()
        for (let i = 0; i < gateRuns; i++) if ((sets[i & 3] as Set<string>).has(asked[(i >> 2) & 3] as string)) found++
        const setLookupPerSecond = perSecond(gateRuns, startedAt)
        if (found !== granted)
          throw new Error(`the role gate and the precomputed sets disagree (${granted} ≠ ${found})`)

        const engine = yield* makePolicyEngine({
          gate,
          config: {
            agents: [{ id: "deploy-trusted", agent: "deploy", minTrust: "trusted", denyRoles: ["ci"] }],
            repositories: [
              {
                id: "app",
                repository: "github.com/acme/app",
                protectedPaths: [".github/workflows"],
                protectedBranches: ["main"]
              }
            ]
          }
        })
        const request = (sessionId: string) => ({
          principal: { id: "local:alice", roles: ["developer"], trust: "trusted" as const, sessionId },
          action: "task:submit" as const,
          resource: { type: "Agent" as const, id: "deploy" },
          context: { repository: "github.com/acme/app", paths: ["src/index.ts"], branch: "feature/x" }
        })
        const cedarRuns = Math.max(50, Math.round(3_000 * scale))
        startedAt = performance.now()
        for (let i = 0; i < cedarRuns; i++) Result.getOrThrow(engine.decideSync(request(`uncached-${i}`)))
        const cedarUncachedPerSecond = perSecond(cedarRuns, startedAt)
        const cachedRuns = Math.round(300_000 * scale)
        const same = request("cached")
        Result.getOrThrow(engine.decideSync(same))
        startedAt = performance.now()
        for (let i = 0; i < cachedRuns; i++) Result.getOrThrow(engine.decideSync(same))
        const cedarCachedPerSecond = perSecond(cachedRuns, startedAt)

        const pair = yield* Effect.promise(() => generateKeyPair("ES256"))
        const publicJwk = { ...(yield* Effect.promise(() => exportJWK(pair.publicKey))), kid: "bench", alg: "ES256" }
        const verifier = yield* makeOidcVerifier({
          issuer: "https://id.bench.test",
          audience: "coderclaw",
          jwks: { keys: [publicJwk] }
        })
        const token = yield* Effect.promise(() =>
          new SignJWT({ email: "a@bench.test" })
            .setProtectedHeader({ alg: "ES256", kid: "bench" })
            .setIssuer("https://id.bench.test")
            .setAudience("coderclaw")
            .setSubject("user-1")
            .setIssuedAt()
            .setExpirationTime("1h")
            .sign(pair.privateKey)
        )
        const jwtRuns = Math.max(50, Math.round(5_000 * scale))
        startedAt = performance.now()
        for (let i = 0; i < jwtRuns; i++) yield* verifier.verify(token)
        const jwtVerifierPerSecond = perSecond(jwtRuns, startedAt)
        startedAt = performance.now()
        for (let i = 0; i < jwtRuns; i++)
          yield* Effect.promise(() =>
            jwtVerify(token, pair.publicKey, { issuer: "https://id.bench.test", audience: "coderclaw" })
          )
        const joseVerifyPerSecond = perSecond(jwtRuns, startedAt)

        // The session check every wire call and stream delivery makes, on a real SQLite file.
        const dir = mkdtempSync(join(tmpdir(), "coderclaw-bench-sessions-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        const stores = yield* SqliteSecurityStore.make({ filename: join(dir, "security.db") })
        const tokens = yield* makeSessionTokens({ issuer: "bench", audience: "bench" }).pipe(
          Effect.provideService(SigningKeyStore, stores.signingKeys)
        )
        const sessions = yield* makeSessions().pipe(
          Effect.provideService(SessionStore, stores.sessions),
          Effect.provideService(SessionTokens, tokens)
        )
        const created = yield* sessions.create({
          identity: {
            provider: "local",
            subject: "alice",
            principalId: "local:alice",
            roles: ["developer"],
            attributes: {}
          }
        })
        const sessionId = created.session.id
        const checkRuns = Math.round(300_000 * scale)
        yield* sessions.check(sessionId)
        startedAt = performance.now()
        for (let i = 0; i < checkRuns; i++) yield* sessions.check(sessionId)
        const sessionCheckPerSecond = perSecond(checkRuns, startedAt)

        return {
          roleGatePerSecond,
          setLookupPerSecond,
          cedarUncachedPerSecond,
          cedarCachedPerSecond,
          jwtVerifierPerSecond,
          joseVerifyPerSecond,
          sessionCheckPerSecond
        }
      })
    )
  )
