import type { IncomingMessage, ServerResponse } from "node:http"

/**
 * One group of HTTP routes (A2A, probes, metrics, a console…): it answers the request and resolves `true`,
 * or resolves `false` without touching the response so that the next group may answer it. Groups know
 * nothing of each other; `httpRouter` tries them in order and answers `404` when none did.
 */
export type HttpRoute = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>
