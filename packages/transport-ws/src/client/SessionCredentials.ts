import type { Credentials, HelloResult } from "@coderclaw/protocol"
import type { WsClientOptions } from "./WsClientOptions.js"

/** How long before a session token expires the client goes back to its original credentials. */
const sessionRenewalMarginMs = 30_000

/**
 * The credentials each connection presents. A session the server opened for this client (password or
 * provider-token login) replaces the original credentials on later connections, until shortly before it
 * expires; then the original ones (called again, when they are a function) are used.
 */
export class SessionCredentials {
  private session: { readonly token: string; readonly expiresAt: number } | undefined

  constructor(private readonly original: WsClientOptions["credentials"]) {}

  /** Keeps the session a `hello` carried, if any. */
  remember(hello: HelloResult): void {
    if (hello.session !== undefined) this.session = hello.session
  }

  /** The credentials for the next connection. */
  readonly current = (): Credentials | Promise<Credentials> => {
    const { session, original } = this
    if (session !== undefined && Date.now() < session.expiresAt - sessionRenewalMarginMs)
      return { type: "token", token: session.token }
    return typeof original === "function" ? original() : original
  }
}
