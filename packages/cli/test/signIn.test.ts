import { isRuntimeError } from "@coderclaw/protocol"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { addUser, approveDevice, generateDeviceKey, signIn } from "../src/index.js"
import type { CoderclawServer } from "../src/server/startServer.js"
import { password, removeDir, startTestServer, tempDir } from "./support/harness.js"

let dir: string
let server: CoderclawServer

beforeAll(async () => {
  dir = await tempDir("signin")
  server = await startTestServer(dir)
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("signing a user in from an app", () => {
  it("adds a user, pairs their device and signs them in trusted", async () => {
    const profile = await addUser(server, { username: "dana", password, roles: ["developer"] })
    expect(profile).toMatchObject({ username: "dana", roles: ["developer"] })

    const device = generateDeviceKey()
    const first = await signIn({
      url: server.url,
      credentials: { type: "password", username: "dana", password },
      device
    })
    expect(first.principal).toMatchObject({ id: "local:dana", trust: "verified", deviceId: device.deviceId })
    expect(first.session?.token).toEqual(expect.any(String))
    await first.client.close()

    const paired = await approveDevice(server, {
      deviceId: device.deviceId,
      principalId: "local:dana",
      approvedBy: "local:ops"
    })
    expect(paired).toMatchObject({ deviceId: device.deviceId, principalId: "local:dana", status: "paired" })

    const token = first.session?.token as string
    const again = await signIn({ url: server.url, credentials: { type: "token", token }, device })
    expect(again.principal).toMatchObject({ id: "local:dana", trust: "trusted" })
    const task = await again.client.submit({ agentId: "echo", description: "from the app", input: 7 })
    expect(task.owner).toBe("local:dana")
    await again.client.close()

    const audit = await Effect.runPromise(server.security.audit.verify())
    expect(audit.ok).toBe(true)
  })

  it("rejects wrong passwords, unknown pairings and duplicate users with typed errors", async () => {
    const refused = await signIn({
      url: server.url,
      credentials: { type: "password", username: "dana", password: "wrong password entirely" }
    }).catch((error: unknown) => error)
    expect(isRuntimeError(refused) && refused._tag).toBe("Unauthenticated")

    const notPending = await approveDevice(server, { deviceId: generateDeviceKey().deviceId }).catch(
      (error: unknown) => error
    )
    expect(notPending).toMatchObject({ _tag: "DeviceError", reason: "NotFound" })

    const duplicate = await addUser(server, { username: "dana", password, roles: ["developer"] }).catch(
      (error: unknown) => error
    )
    expect(duplicate).toMatchObject({ _tag: "LocalUserError", reason: "AlreadyExists" })
  })

  it("a client without a device proof is untrusted", async () => {
    const plain = await signIn({ url: server.url, credentials: { type: "password", username: "dana", password } })
    expect(plain.principal.trust).toBe("untrusted")
    await plain.client.close()
  })
})
