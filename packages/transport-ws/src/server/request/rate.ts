import { type JsonRpcRequest, RateLimited } from "@coderclaw/protocol"
import { Result } from "effect"
import type { RequestContext, RequestStep } from "./RequestContext.js"

/** Step 3: each request spends a token of the connection's bucket; none left is `RATE_LIMITED` with the wait. */
export const checkRate = (context: RequestContext, request: JsonRpcRequest): RequestStep<JsonRpcRequest> => {
  const retryAfterMs = context.bucket.take()
  return retryAfterMs > 0
    ? Result.fail({ _tag: "RateLimited", requestId: request.id, error: new RateLimited({ retryAfterMs }) })
    : Result.succeed(request)
}
