import type { WireMethod } from "@coderclaw/protocol"
import type { RuntimeAction } from "@coderclaw/runtime"

/**
 * What a caller needs to call each wire method: a runtime action checked with the `Authorizer` before the
 * call is dispatched (the runtime checks again, per task), or `authenticated` for methods any authenticated
 * connection may call because they reveal nothing beyond what the caller already has.
 *
 * This is the only place a method is admitted: a name missing here is refused with -32601 even if a
 * handler existed, and a test fails if a method of the protocol's table is not classified.
 */
export const methodPermissions: { readonly [Method in WireMethod]: RuntimeAction | "authenticated" | "handshake" } = {
  connect: "handshake",
  "connection.ping": "authenticated",
  "task.submit": "task:submit",
  "task.get": "task:read",
  "task.list": "task:read",
  "task.cancel": "task:cancel",
  "task.provideInput": "task:input",
  "task.subscribe": "task:read",
  "task.subscribeAll": "task:read",
  "task.unsubscribe": "authenticated",
  "agent.list": "authenticated",
  "skill.list": "authenticated",
  "runtime.status": "runtime:status",
  "workflow.submit": "task:submit"
}

/** The permission a method needs, or `undefined` (denied) for any name not in the table. */
export const permissionOf = (method: string): RuntimeAction | "authenticated" | "handshake" | undefined =>
  Object.hasOwn(methodPermissions, method) ? methodPermissions[method as WireMethod] : undefined
