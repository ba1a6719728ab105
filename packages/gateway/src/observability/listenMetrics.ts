import { createServer } from "node:http"
import type { RouteHandler } from "./makeObservability.js"

/** The metrics listener: its URL (`http://host:port/metrics`) and how to stop it. */
export interface MetricsListener {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/**
 * Serves `metrics` (the `/metrics` route of `makeObservability`) on an HTTP listener of its own, bound to
 * `host` (default `127.0.0.1`): the operator chooses which network may scrape. Everything else gets 404.
 */
export const listenMetrics = (metrics: RouteHandler, port: number, host = "127.0.0.1"): Promise<MetricsListener> =>
  new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      if (!metrics(request, response)) response.writeHead(404).end()
    })
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      const address = server.address()
      const bound = typeof address === "object" && address !== null ? address.port : port
      const urlHost = host.includes(":") ? `[${host}]` : host
      resolve({
        url: `http://${urlHost}:${bound}/metrics`,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
