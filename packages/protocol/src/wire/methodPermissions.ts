import type { Permission } from "../Permission.js"
import type { WireMethod } from "./methods.js"

/**
 * What a caller needs to call each wire method: a permission checked before the call is dispatched (the
 * runtime checks again, per task), `authenticated` for methods any authenticated connection may call
 * because they reveal nothing beyond what the caller already has, or `handshake` for `connect` itself.
 *
 * This static table is the only place a method is admitted: a name missing here is refused even if a
 * handler existed, and the table is typed against the method table so no method goes unclassified.
 */
export const methodPermissions: { readonly [Method in WireMethod]: Permission | "authenticated" | "handshake" } = {
  connect: "handshake",
  "connection.ping": "authenticated",
  "task.submit": "task:submit",
  "task.get": "task:read",
  "task.list": "task:read",
  "task.cancel": "task:cancel",
  "task.provideInput": "task:input",
  "task.resolveApproval": "task:approve",
  "task.subscribe": "task:read",
  "task.subscribeAll": "task:read",
  "task.unsubscribe": "authenticated",
  "agent.list": "authenticated",
  "skill.list": "authenticated",
  "runtime.status": "runtime:status",
  "workflow.submit": "task:submit",
  // Ending one's own session needs no permission: it only ever takes rights away.
  "session.logout": "authenticated",
  // A worker's calls all need `agent:host`; each call under a lease is further checked against that lease
  // (it must be this connection's, and live).
  "worker.register": "agent:host",
  "worker.heartbeat": "agent:host",
  "worker.report": "agent:host",
  "worker.askInput": "agent:host",
  "worker.spawn": "agent:host",
  "worker.awaitChildren": "agent:host",
  "worker.authorizeSkill": "agent:host",
  "worker.authorizePaths": "agent:host",
  "worker.end": "agent:host",
  "worker.list": "runtime:status"
}

/** The permission a method needs, or `undefined` (denied) for any name not in the table. */
export const permissionOf = (method: string): Permission | "authenticated" | "handshake" | undefined =>
  Object.hasOwn(methodPermissions, method) ? methodPermissions[method as WireMethod] : undefined
