import { generateDeviceKey } from "@coderclaw/security"
import { Effect, type Scope } from "effect"
import type { DemoContext } from "../DemoContext.js"
import { DemoError } from "../DemoError.js"
import { ensure } from "../mesh/clientCall.js"
import { type Connection, connect, passwordOf } from "../mesh/connect.js"

const step = "pair alice's device"

/** The two connections the later steps act through. */
export interface PairedConnections {
  /** alice, on her paired laptop: `trusted`. */
  readonly alice: Connection
  /** The admin, who approves dangerous steps and reads the audit log. */
  readonly admin: Connection
}

/**
 * Step 2: alice's laptop gets a fresh Ed25519 key. She signs in with her password, proving the key on the
 * connection: the server makes her `verified` and files a pairing request. The admin, signed in over his
 * own connection, approves it with the permissions the server computed from his roles. alice reconnects
 * with her session token and the same key: now `trusted`.
 */
export const pairDevice = (context: DemoContext): Effect.Effect<PairedConnections, DemoError, Scope.Scope> =>
  Effect.gen(function* () {
    const { narrator, server, users } = context
    const security = server.security
    yield* narrator.section("Device trust: alice pairs her laptop, the admin approves")
    const laptop = generateDeviceKey()
    yield* narrator.line(`alice's laptop has a fresh Ed25519 key: device ${laptop.deviceId}`)

    const first = yield* Effect.scoped(
      Effect.gen(function* () {
        const connection = yield* connect(step, {
          url: server.url,
          credentials: passwordOf(users.alice.username, users.alice.password),
          device: laptop
        })
        yield* narrator.line(
          `alice signs in with her password and a device proof: ${connection.principal.id}, trust ${connection.principal.trust}`
        )
        return connection
      })
    )
    yield* ensure(
      step,
      first.principal.trust === "verified",
      () => `alice's first sign-in should be verified, was ${first.principal.trust}`
    )
    const sessionToken = first.sessionToken
    if (sessionToken === undefined) {
      return yield* new DemoError({
        step,
        reason: "Unexpected",
        detail: "the password sign-in returned no session token"
      })
    }

    const pending = yield* security.devices.listPending.pipe(
      Effect.mapError(
        (error) => new DemoError({ step, reason: "CallFailed", detail: `listing pairing requests: ${error.message}` })
      )
    )
    const request = pending.find(
      (candidate) => candidate.deviceId === laptop.deviceId && candidate.principalId === first.principal.id
    )
    if (request === undefined) {
      return yield* new DemoError({
        step,
        reason: "Unexpected",
        detail: `no pairing request appeared for ${laptop.deviceId}`
      })
    }
    yield* narrator.line(`pairing request ${request.id} is pending for ${request.principalId}`)

    const admin = yield* connect(step, {
      url: server.url,
      credentials: passwordOf(users.admin.username, users.admin.password)
    })
    yield* narrator.line(`admin signs in (roles ${admin.principal.roles.join(", ")}, trust ${admin.principal.trust})`)
    // The operator's permissions come from the roles the server put in his session, never from a claim.
    const operator = {
      principalId: admin.principal.id,
      permissions: security.gate.permissionsOf(admin.principal.roles)
    }
    const { device } = yield* security.admin
      .approveDevice(request.id, operator, { actor: operator.principalId, via: "demo" })
      .pipe(
        Effect.mapError(
          (error) => new DemoError({ step, reason: "CallFailed", detail: `approving the pairing: ${error.message}` })
        )
      )
    yield* narrator.line(`admin approves: device ${device.deviceId} is ${device.status} to ${device.principalId}`)

    const alice = yield* connect(step, {
      url: server.url,
      credentials: { type: "token", token: sessionToken },
      device: laptop
    })
    yield* ensure(
      step,
      alice.principal.trust === "trusted",
      () => `alice's reconnection should be trusted, was ${alice.principal.trust}`
    )
    yield* narrator.line(`alice reconnects with her session token and the same key: trust ${alice.principal.trust}`)
    return { alice, admin }
  })
