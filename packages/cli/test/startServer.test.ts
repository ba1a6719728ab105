import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { removeDir, tempDir } from "./support/harness.js"

let dir: string
let server: CoderclawServer

/** How a WebSocket upgrade to `url` with this `Origin` ends: `open`, or the HTTP status it was refused with. */
const upgrade = (url: string, origin?: string): Promise<"open" | number> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin })
    socket.once("open", () => {
      socket.close()
      resolve("open")
    })
    socket.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0)
      socket.terminate()
    })
    socket.once("error", (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error)
    })
  })

beforeAll(async () => {
  dir = await tempDir("web")
  server = await startServer({
    cwd: dir,
    config: { port: 0, database: "coderclaw.db", allowedOrigins: ["https://app.example.com"], path: "/coderclaw" },
    builtins: false,
    env: {}
  })
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("runtime.yaml's settings for servers browsers can reach", () => {
  it("serves only its path, and reports it in the URL", () => {
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/coderclaw$/)
  })

  it("admits the allowed origin and clients without one, and refuses other origins with 403", async () => {
    expect(await upgrade(server.url, "https://app.example.com")).toBe("open")
    expect(await upgrade(server.url)).toBe("open")
    expect(await upgrade(server.url, "https://evil.example.net")).toBe(403)
  })
})
