import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach } from "vitest"

/** A request the fake endpoint received. */
export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** How the fake endpoint answers: a status and a body (an object is sent as JSON), or never. */
export type FakeAnswer = { readonly status: number; readonly body: unknown } | "never"

/** An OpenAI-style chat completion answering `content`. */
export const completion = (content: string, model = "fake-model-1") => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model,
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }
})

const open: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of open.splice(0)) await close()
})

/**
 * An OpenAI-compatible endpoint on 127.0.0.1 (port chosen by the system) that records every request and
 * answers with `answer(request)`; closed after the test.
 */
export const startFakeLlm = async (answer: (request: ReceivedRequest) => FakeAnswer) => {
  const requests: Array<ReceivedRequest> = []
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8")
      }
      requests.push(request)
      const reply = answer(request)
      if (reply === "never") return
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)
      res.writeHead(reply.status, {
        "content-type": typeof reply.body === "string" ? "text/plain" : "application/json"
      })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  open.push(close)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close
  }
}
