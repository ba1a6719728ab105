import { createServer, type RequestListener, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import type { HttpRoute } from "../src/http/HttpRoute.js"
import { httpRouter } from "../src/http/httpRouter.js"

let server: Server | undefined

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

const serve = async (listener: RequestListener): Promise<string> => {
  const listening = createServer(listener)
  server = listening
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve))
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
}

const answering =
  (path: string, body: string): HttpRoute =>
  (request, response) => {
    if (request.url !== path) return false
    response.end(body)
    return true
  }

describe("httpRouter", () => {
  it("lets the first group that answers win, and answers a JSON 404 when none does", async () => {
    const router = httpRouter([answering("/a", "first"), answering("/a", "second"), answering("/b", "b")])
    const url = await serve(router.listener)
    expect(await (await fetch(`${url}/a`)).text()).toBe("first")
    expect(await (await fetch(`${url}/b`)).text()).toBe("b")
    const missing = await fetch(`${url}/c`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get("content-type")).toMatch(/^application\/json/)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("INVALID_REQUEST")
  })

  it("takes groups added while it serves, and drops them again", async () => {
    const router = httpRouter()
    const url = await serve(router.listener)
    expect((await fetch(`${url}/late`)).status).toBe(404)
    const remove = router.use(async (request, response) => {
      if (request.url !== "/late") return false
      response.end("here")
      return true
    })
    expect(await (await fetch(`${url}/late`)).text()).toBe("here")
    remove()
    expect((await fetch(`${url}/late`)).status).toBe(404)
  })

  it("answers a JSON 500 without details when a group throws, and keeps serving", async () => {
    const router = httpRouter([
      (request) => {
        if (request.url === "/boom") throw new Error("secret detail")
        return false
      }
    ])
    const url = await serve(router.listener)
    const boom = await fetch(`${url}/boom`)
    expect(boom.status).toBe(500)
    expect(await boom.text()).not.toContain("secret detail")
    expect((await fetch(`${url}/other`)).status).toBe(404)
  })
})
