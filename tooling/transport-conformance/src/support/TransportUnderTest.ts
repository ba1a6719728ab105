import type { Principal, RuntimeClient } from "@coderclaw/protocol"
import type { RuntimeOptions } from "@coderclaw/runtime"

/** A runtime started behind the transport under test. */
export interface StartedTransport {
  /** A client of this runtime acting as `principal` (over the transport, exactly as a caller would get one). */
  client(principal: Principal): RuntimeClient
  /** Stops the runtime and everything the transport opened for it. */
  close(): Promise<void>
}

/**
 * What a transport provides to be checked by `transportConformance`.
 *
 * `start` must run a fresh runtime with exactly the given options, on an empty journal, with the permissive
 * authorizer's visibility rules (each caller sees its own session; the `admin` role sees every session).
 */
export interface TransportUnderTest {
  /** Shown in the suite's title, e.g. `local` or `websocket`. */
  readonly name: string
  start(options: RuntimeOptions): Promise<StartedTransport>
}
