import { createServer, type IncomingMessage, type ServerResponse } from "node:http"

/**
 * An OpenAI-compatible `/chat/completions` endpoint on loopback that the test opens and closes: while
 * held, requests stay unanswered (the task stays `running`); once released, every request is answered
 * with `reply`.
 */
export interface LlmEndpoint {
  readonly baseUrl: string
  /** Requests received so far. */
  readonly requests: () => number
  release(): void
  close(): Promise<void>
}

export const startLlmEndpoint = async (reply: string): Promise<LlmEndpoint> => {
  let requests = 0
  let released = false
  const held: Array<ServerResponse> = []
  const answer = (response: ServerResponse) => {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(
      JSON.stringify({
        id: `chatcmpl-${requests}`,
        object: "chat.completion",
        model: "test-model",
        choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }
      })
    )
  }
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume()
    request.on("end", () => {
      requests++
      if (released) answer(response)
      else held.push(response)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    release: () => {
      released = true
      for (const response of held.splice(0)) if (!response.destroyed) answer(response)
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
