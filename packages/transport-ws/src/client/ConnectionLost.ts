import { type RuntimeError, Unavailable } from "@coderclaw/protocol"

/**
 * The `Unavailable` a request gets when its connection ended before the answer arrived: whether it took
 * effect is unknown. Callers see an ordinary retryable `Unavailable`; the client itself tells this reason
 * apart by its class, so a stream being (re)subscribed waits for the reconnection instead of ending.
 */
export class ConnectionLost extends Unavailable {
  constructor() {
    super({ reason: "the connection was lost before the answer arrived" })
  }
}

/** Whether `error` is a `ConnectionLost`. */
export const isConnectionLost = (error: RuntimeError): error is ConnectionLost => error instanceof ConnectionLost
