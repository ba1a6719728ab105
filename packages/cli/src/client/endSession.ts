import { MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION } from "@coderclaw/protocol"
import { WebSocket } from "ws"

/** What `endSession` learned: the server ended the session, or why it could not be asked to. */
export type EndedSession =
  | { readonly ended: true }
  | {
      readonly ended: false
      readonly reason: "already_invalid" | "unreachable" | "not_supported"
      readonly detail: string
    }

/**
 * Asks the server to end the session `token` names (`session.logout`), so the token is refused from now on,
 * wherever a copy of it is. Connects with the token alone (no device proof is needed to give rights up),
 * sends `session.logout`, and settles on the answer or after `timeoutMs`. Never rejects: logging out locally
 * must still work when the server is down, and the caller says what happened.
 */
export const endSession = (url: string, token: string, timeoutMs = 10_000): Promise<EndedSession> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url)
    let settled = false
    const settle = (outcome: EndedSession) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.terminate()
      resolve(outcome)
    }
    const timer = setTimeout(
      () => settle({ ended: false, reason: "unreachable", detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs
    )
    const send = (id: string, method: string, params: unknown) =>
      socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }))
    socket.on("error", (error) => settle({ ended: false, reason: "unreachable", detail: error.message }))
    socket.on("close", (code, reason) =>
      settle({ ended: false, reason: "unreachable", detail: `closed ${code} ${reason.toString("utf8")}` })
    )
    socket.on("message", (data) => {
      let frame: { id?: unknown; method?: unknown; result?: { revoked?: unknown }; error?: { message?: unknown } }
      try {
        frame = JSON.parse(data.toString()) as typeof frame
      } catch {
        return
      }
      if (frame.method === "connect.challenge") {
        send("connect", "connect", {
          protocol: { min: MIN_SUPPORTED_PROTOCOL_VERSION, max: PROTOCOL_VERSION },
          credentials: { type: "token", token }
        })
      } else if (frame.id === "connect") {
        if (frame.error !== undefined)
          return settle({ ended: false, reason: "already_invalid", detail: String(frame.error.message) })
        send("logout", "session.logout", {})
      } else if (frame.id === "logout") {
        if (frame.error !== undefined)
          return settle({ ended: false, reason: "already_invalid", detail: String(frame.error.message) })
        settle(
          frame.result?.revoked === true
            ? { ended: true }
            : { ended: false, reason: "not_supported", detail: "the server keeps no sessions to end" }
        )
      }
    })
  })
