import { Result } from "effect"
import { readFrame } from "./frame.js"
import { gateMethod } from "./methodGate.js"
import { decodeParams } from "./params.js"
import type { AdmittedRequest, RequestContext, RequestStep } from "./RequestContext.js"
import { checkRate } from "./rate.js"
import { checkRequestId } from "./requestId.js"

/**
 * Runs a frame received after `connect` through the request pipeline, in order: frame → id → rate → method
 * gate → params. The first step that refuses decides the answer; a request that passes them all is ready to
 * dispatch (the session and permission checks come with the call, as effects).
 */
export const admitRequest = (context: RequestContext, data: Buffer): RequestStep<AdmittedRequest> =>
  Result.flatMap(readFrame(context, data), (request) =>
    Result.flatMap(checkRequestId(context, request), (fresh) =>
      Result.flatMap(checkRate(context, fresh), (allowed) =>
        Result.flatMap(gateMethod(context, allowed), (gated) => decodeParams(context, gated))
      )
    )
  )
