import {
  ErrorInfo,
  fromErrorInfo,
  InternalError,
  type JsonRpcErrorObject,
  type RuntimeError
} from "@coderclaw/protocol"
import { Schema } from "effect"

const isErrorInfo = Schema.is(ErrorInfo)

/** The typed error of a JSON-RPC error object: rebuilt from its `data`, or `InternalError` if it has none. */
export const errorFromWire = (error: JsonRpcErrorObject | undefined): RuntimeError =>
  error !== undefined && isErrorInfo(error.data)
    ? fromErrorInfo(error.data)
    : new InternalError({ reference: `json-rpc ${error?.code ?? "?"}: ${error?.message ?? "no error object"}` })
