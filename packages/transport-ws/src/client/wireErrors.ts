import {
  ErrorInfo,
  fromErrorInfo,
  InternalError,
  type JsonRpcErrorObject,
  type RuntimeError,
  Unavailable
} from "@coderclaw/protocol"
import { Schema } from "effect"

const isErrorInfo = Schema.is(ErrorInfo)

/** The typed error of a JSON-RPC error object: rebuilt from its `data`, or `InternalError` if it has none. */
export const errorFromWire = (error: JsonRpcErrorObject | undefined): RuntimeError =>
  error !== undefined && isErrorInfo(error.data)
    ? fromErrorInfo(error.data)
    : new InternalError({ reference: `json-rpc ${error?.code ?? "?"}: ${error?.message ?? "no error object"}` })

const lost = new WeakSet<RuntimeError>()

/**
 * The error of a call whose connection dropped before its answer arrived. Whether it took effect is
 * unknown; subscriptions treat it as "resubscribe after reconnecting" rather than as their end.
 */
export const connectionLost = (): RuntimeError => {
  const error = new Unavailable({ reason: "the connection was lost before the answer arrived" })
  lost.add(error)
  return error
}

/** Whether `error` came from `connectionLost`. */
export const isConnectionLost = (error: RuntimeError): boolean => lost.has(error)
