import type { TaskId } from "@coderclaw/protocol"
import { setQueueDepth } from "../observability/RuntimeMetrics.js"

interface Entry {
  readonly taskId: TaskId
  readonly agentId: string
  readonly priority: number
  readonly order: number
}

const before = (a: Entry, b: Entry) => (a.priority !== b.priority ? a.priority > b.priority : a.order < b.order)

/**
 * The queue of tasks waiting for a slot: highest priority first, first-in first-out within a priority.
 * A binary heap, so enqueue and dequeue stay O(log n) with tens of thousands queued. Tasks whose agent is
 * at its own concurrency limit are skipped over, not lost: `take` returns the best task that may run now.
 */
export class TaskQueue {
  private heap: Array<Entry> = []
  private order = 0
  private readonly removed = new Set<TaskId>()
  /** Queued tasks by agent, mirrored into the `coderclaw_queue_depth` gauge. */
  private readonly depthByAgent = new Map<string, number>()

  private count(agentId: string, change: number): void {
    const depth = Math.max(0, (this.depthByAgent.get(agentId) ?? 0) + change)
    this.depthByAgent.set(agentId, depth)
    setQueueDepth(agentId, depth)
  }

  get size(): number {
    return this.heap.length - this.removed.size
  }

  push(taskId: TaskId, agentId: string, priority: number): void {
    this.removed.delete(taskId)
    this.heap.push({ taskId, agentId, priority, order: this.order++ })
    this.siftUp(this.heap.length - 1)
    this.count(agentId, 1)
  }

  /** Forgets a queued task (cancelled before it ran). */
  remove(taskId: TaskId): void {
    const entry = this.heap.find((queued) => queued.taskId === taskId)
    if (entry === undefined || this.removed.has(taskId)) return
    this.removed.add(taskId)
    this.count(entry.agentId, -1)
  }

  /** The best task whose agent may run another task now, removed from the queue. */
  take(mayRun: (agentId: string) => boolean): TaskId | undefined {
    const skipped: Array<Entry> = []
    let found: Entry | undefined
    while (this.heap.length > 0) {
      const top = this.pop()
      if (top === undefined) break
      if (this.removed.delete(top.taskId)) continue
      if (mayRun(top.agentId)) {
        found = top
        break
      }
      skipped.push(top)
    }
    for (const entry of skipped) {
      this.heap.push(entry)
      this.siftUp(this.heap.length - 1)
    }
    if (found !== undefined) this.count(found.agentId, -1)
    return found?.taskId
  }

  private pop(): Entry | undefined {
    const top = this.heap[0]
    const last = this.heap.pop()
    if (top !== undefined && last !== undefined && this.heap.length > 0) {
      this.heap[0] = last
      this.siftDown(0)
    }
    return top
  }

  private siftUp(index: number): void {
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      const a = this.heap[i] as Entry
      const b = this.heap[parent] as Entry
      if (!before(a, b)) break
      this.heap[i] = b
      this.heap[parent] = a
      i = parent
    }
  }

  private siftDown(index: number): void {
    let i = index
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let best = i
      if (left < this.heap.length && before(this.heap[left] as Entry, this.heap[best] as Entry)) best = left
      if (right < this.heap.length && before(this.heap[right] as Entry, this.heap[best] as Entry)) best = right
      if (best === i) return
      const a = this.heap[i] as Entry
      this.heap[i] = this.heap[best] as Entry
      this.heap[best] = a
      i = best
    }
  }
}
