import { isRuntimeError, type RuntimeClient } from "@coderclaw/protocol"
import { defineAgent } from "@coderclaw/runtime"
import { deviceProofSigner, generateDeviceKey, type SecurityConfig } from "@coderclaw/security"
import { createWsClient } from "@coderclaw/transport-ws/client"
import { Effect } from "effect"
import { WebSocket } from "ws"
import { startSecureServer } from "./startSecureServer.js"

/** The security configuration of the example, as it would be written in `security.yaml`. */
export const exampleConfig: SecurityConfig = {
  sessions: { issuer: "coderclaw-example", audience: "coderclaw" },
  providers: { local: {} },
  policies: {
    agents: [{ id: "deploy-needs-trusted-device", agent: "deploy", minTrust: "trusted" }]
  }
}

const echo = defineAgent({ id: "echo", name: "Echo", run: (input) => Effect.succeed({ echoed: input }) })
const deploy = defineAgent({ id: "deploy", name: "Deploy", run: () => Effect.succeed("deployed") })

/** What the example did: one line per step, and the audit log's verdict. */
export interface SecureServerReport {
  readonly steps: ReadonlyArray<string>
  readonly auditEntries: number
  readonly auditIntact: boolean
}

const outcome = async (call: Promise<{ readonly status: string }>): Promise<string> => {
  try {
    return (await call).status
  } catch (error) {
    if (!isRuntimeError(error)) throw error
    return error._tag === "Forbidden" ? `refused (${error.reasons.join(", ")})` : `refused (${error._tag})`
  }
}

const settled = async (client: RuntimeClient, id: string) => {
  for await (const envelope of client.subscribe(id)) {
    if (envelope.event.type === "status_changed" && ["completed", "failed", "cancelled"].includes(envelope.event.to))
      break
  }
  return client.get(id)
}

/**
 * Starts the secure server, then acts as three people over real WebSocket connections: a reader who may not
 * submit, a developer whose deploy is refused until her device is paired and trusted, and the admin who
 * approves the pairing. Ends with the audit log verified.
 */
export const runSecureServerExample = async (): Promise<SecureServerReport> => {
  const secure = await startSecureServer({ config: exampleConfig, agents: [echo, deploy] })
  const clients: Array<RuntimeClient> = []
  const steps: Array<string> = []
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
  try {
    const { security, server } = secure
    for (const [username, roles] of [
      ["admin", ["admin"]],
      ["alice", ["developer"]],
      ["reader", ["readonly"]]
    ] as const) {
      await run(security.users.createUser({ username, password: `${username}-example-password`, roles: [...roles] }))
    }
    const connect = async (username: string, device?: ReturnType<typeof deviceProofSigner>) => {
      const { token } = await run(security.loginWithPassword(username, `${username}-example-password`))
      const client = createWsClient({
        url: server.url,
        credentials: { type: "token", token },
        WebSocket: WebSocket as never,
        ...(device === undefined ? {} : { device })
      })
      clients.push(client)
      return client
    }

    const reader = await connect("reader")
    steps.push(`reader submits echo: ${await outcome(reader.submit({ agentId: "echo", description: "hello" }))}`)

    const alice = await connect("alice")
    const greeting = await alice.submit({ agentId: "echo", description: "hello", input: "hi" })
    steps.push(`alice submits echo: ${(await settled(alice, greeting.id)).status}`)
    steps.push(
      `alice deploys from an unpaired device: ${await outcome(alice.submit({ agentId: "deploy", description: "ship" }))}`
    )

    const laptop = generateDeviceKey()
    const pairing = await run(
      security.devices.requestPairing({
        deviceId: laptop.deviceId,
        publicKey: laptop.publicKey,
        principalId: "local:alice",
        name: "alice's laptop"
      })
    )
    await run(
      security.devices.approve(pairing.id, { principalId: "local:admin", permissions: new Set(["device:approve"]) })
    )
    steps.push("admin approves the pairing of alice's laptop")
    const trusted = await connect("alice", deviceProofSigner(laptop, { scopes: [] }))
    const shipped = await trusted.submit({ agentId: "deploy", description: "ship" })
    steps.push(`alice deploys from her paired device: ${(await settled(trusted, shipped.id)).status}`)

    const verdict = await run(security.audit.verify())
    return { steps, auditEntries: verdict.ok ? verdict.entries : 0, auditIntact: verdict.ok }
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()))
    await secure.close()
  }
}
