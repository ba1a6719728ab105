import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"
import { LoginFailed } from "../LoginFailed.js"

/** The browser's arrival at the redirect URI, held open until the login knows how it ended. */
export interface LoopbackCallback {
  /** The full redirect URL as the browser requested it, query included. */
  readonly url: URL
  /** Answers the browser with a small page; only the first call has an effect. */
  readonly respond: (outcome: "success" | "failure", text: string) => void
}

/** A listener on 127.0.0.1 waiting for the one redirect of an authorization-code login (RFC 8252 §7.3). */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port><path>`, to send as `redirect_uri`. */
  readonly redirectUri: string
  /** Waits for the first request on the redirect path. */
  readonly callback: Effect.Effect<LoopbackCallback>
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`

const send = (res: ServerResponse, status: number, title: string, text: string): void => {
  if (res.headersSent) return
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The page shows no external content; forbid everything else it could be made to load.
    "content-security-policy": "default-src 'none'",
    "referrer-policy": "no-referrer"
  })
  res.end(page(title, text))
}

/**
 * Opens the loopback listener for one login and closes it when the scope ends (also dropping any browser
 * connection still open). It binds 127.0.0.1 only, never all interfaces, so nothing off the machine can
 * deliver a redirect. The first request on `path` is the callback; later ones are refused, so a second
 * request cannot replace the first.
 */
export const openLoopbackListener = (options: {
  readonly port: number
  readonly path: string
}): Effect.Effect<LoopbackListener, LoginFailed, Scope.Scope> =>
  Effect.gen(function* () {
    let arrived: LoopbackCallback | undefined
    let waiter: ((callback: LoopbackCallback) => void) | undefined
    const held = new Set<ServerResponse>()

    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      if (req.method !== "GET" || url.pathname !== options.path) {
        send(res, 404, "Not found", "This address only receives the login redirect.")
        return
      }
      if (arrived !== undefined) {
        send(res, 409, "Already handled", "This login has already received its redirect.")
        return
      }
      held.add(res)
      res.on("close", () => held.delete(res))
      let answered = false
      const callback: LoopbackCallback = {
        url,
        respond: (outcome, text) => {
          if (answered) return
          answered = true
          held.delete(res)
          if (outcome === "success") send(res, 200, "Signed in", text)
          else send(res, 400, "Sign-in failed", text)
        }
      }
      arrived = callback
      waiter?.(callback)
    }

    const server = yield* Effect.acquireRelease(
      Effect.callback<ReturnType<typeof createServer>, LoginFailed>((resume) => {
        const server = createServer(handle)
        server.once("error", (error) =>
          resume(Effect.fail(new LoginFailed({ provider: "oidc", reason: "ListenerFailed", detail: error.message })))
        )
        server.listen(options.port, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          for (const res of held) send(res, 503, "Sign-in ended", "The login is no longer waiting for this page.")
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const { port } = server.address() as AddressInfo
    const redirectUri = `http://127.0.0.1:${port}${options.path}`

    const callback = Effect.callback<LoopbackCallback>((resume) => {
      if (arrived !== undefined) {
        resume(Effect.succeed(arrived))
        return
      }
      waiter = (value) => resume(Effect.succeed(value))
      return Effect.sync(() => {
        waiter = undefined
      })
    })
    return { redirectUri, callback }
  })
