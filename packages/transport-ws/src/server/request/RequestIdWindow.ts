import type { JsonRpcId } from "@coderclaw/protocol"

/** How many answered request ids a connection remembers to refuse a reused one. */
export const recentIdWindow = 1_024

/**
 * The request ids a connection may not use right now: those in flight, and the last `recentIdWindow`
 * answered ones, so a replayed or confused request is refused instead of being answered twice.
 */
export class RequestIdWindow {
  private readonly inFlight = new Set<JsonRpcId>()
  private readonly recent: Array<JsonRpcId> = []
  private readonly recentSet = new Set<JsonRpcId>()

  constructor(private readonly size: number = recentIdWindow) {}

  /** Whether `id` is in flight or among the recently answered. */
  isUsed(id: JsonRpcId): boolean {
    return this.inFlight.has(id) || this.recentSet.has(id)
  }

  /** `id` was dispatched; it stays unusable until answered and then for the window. */
  start(id: JsonRpcId): void {
    this.inFlight.add(id)
  }

  /** `id` was answered: it joins the recent window, evicting the oldest past the window's size. */
  answered(id: JsonRpcId): void {
    this.inFlight.delete(id)
    this.recent.push(id)
    this.recentSet.add(id)
    if (this.recent.length > this.size) {
      const oldest = this.recent.shift()
      if (oldest !== undefined) this.recentSet.delete(oldest)
    }
  }
}
