import type { IncomingMessage, RequestListener, ServerResponse } from "node:http"
import type { HttpRoute } from "./HttpRoute.js"
import { sendJsonError } from "./sendJsonError.js"

/** A request listener made of route groups, to which more groups can be added while it serves. */
export interface HttpRouter {
  /** The `request` listener of an `http.Server`. */
  readonly listener: RequestListener
  /** Adds a group after the ones already there; returns a function that removes it again. */
  use(route: HttpRoute): () => void
}

/**
 * Tries each route group in the order added; the first that answers wins. A request no group answers gets
 * a JSON `404`; a group that throws gets a JSON `500` (the error is not shown to the caller).
 */
export const httpRouter = (routes: ReadonlyArray<HttpRoute> = []): HttpRouter => {
  const groups: Array<HttpRoute> = [...routes]
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    try {
      for (const route of [...groups]) if (await route(request, response)) return
      sendJsonError(response, 404, {
        code: "INVALID_REQUEST",
        message: `no route for ${request.method} ${request.url}`
      })
    } catch {
      sendJsonError(response, 500, { code: "INTERNAL", message: "internal error" })
    }
  }
  return {
    listener: (request, response) => void handle(request, response),
    use: (route) => {
      groups.push(route)
      return () => {
        const index = groups.indexOf(route)
        if (index >= 0) groups.splice(index, 1)
      }
    }
  }
}
