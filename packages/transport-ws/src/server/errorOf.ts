import { InternalError, isRuntimeError, type RuntimeError, Unavailable } from "@coderclaw/protocol"
import { Cause } from "effect"

/** Why calls and streams end when the server goes away. */
export const serverShuttingDown = (): Unavailable => new Unavailable({ reason: "the server is shutting down" })

/** The typed error a failed call answers with; defects become `InternalError`, interruption `Unavailable`. */
export const errorOf = (cause: Cause.Cause<unknown>): RuntimeError => {
  if (Cause.hasInterruptsOnly(cause)) return serverShuttingDown()
  const error = Cause.squash(cause)
  return isRuntimeError(error) ? error : new InternalError({ reference: `ws-${Date.now().toString(36)}` })
}
