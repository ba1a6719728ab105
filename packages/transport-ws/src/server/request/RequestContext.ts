import type { JsonRpcId, Permission, RateLimited, RequestMeta, RuntimeError, WireMethod } from "@coderclaw/protocol"
import { Result } from "effect"
import type { TokenBucket } from "../TokenBucket.js"
import type { WsLimits } from "../WsServerOptions.js"
import type { RequestIdWindow } from "./RequestIdWindow.js"

/** What every step of the request pipeline reads: one open connection's limits, id window and rate bucket. */
export interface RequestContext {
  readonly limits: WsLimits
  readonly ids: RequestIdWindow
  readonly bucket: TokenBucket
}

/**
 * Why a frame after `connect` is not dispatched, and so what the connection does with it:
 * - `Malformed`: the frame itself is wrong; it spends the bad-frame budget and is answered with `error`.
 * - `Notification`: a well-formed notification; JSON-RPC forbids answering it and the protocol defines none
 *   from client to server, so it only spends the bad-frame budget.
 * - `RateLimited`: a good request over the connection's rate; answered, not counted as malformed.
 */
export type RequestRejected =
  | {
      readonly _tag: "Malformed"
      readonly requestId: JsonRpcId | null
      readonly error: RuntimeError
      /** The JSON-RPC code: -32700, -32600, -32601 or -32602. */
      readonly jsonRpcCode: number
    }
  | { readonly _tag: "Notification" }
  | { readonly _tag: "RateLimited"; readonly requestId: JsonRpcId; readonly error: RateLimited }

/** The result of one pipeline step: the refined request to continue with, or why it stops. */
export type RequestStep<A> = Result.Result<A, RequestRejected>

/** A `Malformed` rejection. */
export const malformed = (requestId: JsonRpcId | null, error: RuntimeError, jsonRpcCode: number): RequestStep<never> =>
  Result.fail({ _tag: "Malformed", requestId, error, jsonRpcCode })

/** A request that passed every step: a known method the principal may be asked about, with decoded params. */
export interface AdmittedRequest {
  readonly id: JsonRpcId
  readonly method: WireMethod
  /** The permission the method gate demands (`authenticated`: none beyond a live session). */
  readonly permission: Permission | "authenticated"
  readonly params: unknown
  /** `params._meta`, when the client sent it: the caller's trace context. */
  readonly meta?: RequestMeta
}
