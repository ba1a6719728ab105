import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { StartServerOptions } from "@coderclaw/cli"
import { createWebSocketInspector } from "@statelyai/inspect"
import { Effect, type Scope } from "effect"
import { WebSocket, WebSocketServer } from "ws"
import { DemoError } from "../DemoError.js"
import { describeFailure } from "../mesh/clientCall.js"
import { inspectorPage } from "./inspectorPage.js"

/** A running bridge: where to look, and the observer to give the runtime. */
export interface InspectorBridge {
  /** The page explaining and showing the inspection, e.g. `http://127.0.0.1:41234/`. */
  readonly pageUrl: string
  /** The bridge's WebSocket, where inspection events are published and viewers connect. */
  readonly wsUrl: string
  /** Pass as `startServer`'s `inspect`: every task actor's inspection events go to the bridge. */
  readonly inspect: NonNullable<StartServerOptions["inspect"]>
}

/** Events kept for viewers that connect later (the demo's whole run fits). */
const replayLimit = 20_000

/**
 * Starts a loopback-only inspection bridge: one HTTP server on 127.0.0.1 (a random port) serving the page,
 * with a WebSocket server on the same port. `createWebSocketInspector` of `@statelyai/inspect` publishes
 * to it; every message is kept (up to `replayLimit`) and relayed to the other connections, the browser
 * pages. Unlike `createInspectorServer` it does not listen on every interface, and unlike
 * `createSkyInspector` it needs no internet. Closed with the scope.
 */
export const startInspectorBridge: Effect.Effect<InspectorBridge, DemoError, Scope.Scope> = Effect.gen(function* () {
  const kept: Array<string> = []
  const { port } = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () =>
        new Promise<{ http: ReturnType<typeof createServer>; sockets: WebSocketServer; port: number }>(
          (resolve, reject) => {
            let page = ""
            const http = createServer((request, response) => {
              if (request.url !== "/" && request.url !== "/index.html") {
                response.writeHead(404, { "content-type": "text/plain" }).end("not found\n")
                return
              }
              response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page)
            })
            const sockets = new WebSocketServer({ server: http })
            sockets.on("connection", (socket) => {
              for (const message of kept) socket.send(message)
              socket.on("message", (data) => {
                const message = data.toString()
                kept.push(message)
                if (kept.length > replayLimit) kept.shift()
                for (const other of sockets.clients) {
                  if (other !== socket && other.readyState === WebSocket.OPEN) other.send(message)
                }
              })
            })
            http.once("error", reject)
            http.listen(0, "127.0.0.1", () => {
              const port = (http.address() as AddressInfo).port
              page = inspectorPage(`ws://127.0.0.1:${port}`)
              resolve({ http, sockets, port })
            })
          }
        ),
      catch: (error) =>
        new DemoError({
          step: "inspector",
          reason: "StartFailed",
          detail: `the inspector bridge did not start: ${describeFailure(error)}`
        })
    }),
    ({ http, sockets }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets.clients) socket.terminate()
            sockets.close(() => http.close(() => resolve()))
          })
      )
  )
  const wsUrl = `ws://127.0.0.1:${port}`
  const inspector = yield* Effect.acquireRelease(
    Effect.sync(() => createWebSocketInspector({ url: wsUrl })),
    (started) => Effect.sync(() => started.stop())
  )
  return {
    pageUrl: `http://127.0.0.1:${port}/`,
    wsUrl,
    inspect: (event) => inspector.inspect.next?.(event)
  }
})
