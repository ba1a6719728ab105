import type { AuditEntry } from "../AuditEntry.js"
import type { AuditFilter } from "../AuditStore.js"

/** Whether an entry passes every condition of a filter (limit and cursor aside). */
export const matchesAuditFilter = (entry: AuditEntry, filter: AuditFilter): boolean =>
  (filter.actor === undefined || entry.actor === filter.actor) &&
  (filter.action === undefined || entry.action === filter.action) &&
  (filter.decision === undefined || entry.decision === filter.decision) &&
  (filter.resourcePrefix === undefined || entry.resource?.startsWith(filter.resourcePrefix) === true) &&
  (filter.since === undefined || entry.at >= filter.since) &&
  (filter.until === undefined || entry.at < filter.until)
