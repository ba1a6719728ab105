import { Effect, FiberSet } from "effect"
import type { LiveTask } from "./LiveTask.js"
import type { SupervisorState } from "./SupervisorState.js"

/**
 * Concurrency slots: a task holds one while it plans or runs (not while it waits), within the runtime's
 * `maxConcurrentTasks` and its agent's `maxConcurrent`. `dispatch` starts a task that was given a slot.
 */
export const makeSlots = (state: SupervisorState, dispatch: (task: LiveTask) => Effect.Effect<void>) => {
  const perAgent = new Map<string, number>()
  let inUse = 0

  const take = (task: LiveTask) => {
    if (task.holdsSlot) return
    task.holdsSlot = true
    inUse++
    perAgent.set(task.agent.descriptor.id, (perAgent.get(task.agent.descriptor.id) ?? 0) + 1)
  }

  const release = (task: LiveTask) => {
    if (!task.holdsSlot) return
    task.holdsSlot = false
    inUse--
    perAgent.set(task.agent.descriptor.id, (perAgent.get(task.agent.descriptor.id) ?? 1) - 1)
  }

  const agentMayRun = (agentId: string) => {
    const agent = state.agents.get(agentId)
    const held = perAgent.get(agentId) ?? 0
    const limit = agent?.descriptor.maxConcurrent
    // An agent hosted on workers runs only as many tasks as its workers take: the rest wait `pending`.
    return (limit === undefined || held < limit) && (agent?.capacity === undefined || held < agent.capacity())
  }

  /** Starts queued tasks while slots are free. */
  const drain: Effect.Effect<void> = Effect.suspend(() => {
    const starting: Array<LiveTask> = []
    while (state.accepting && inUse < state.limits.maxConcurrent) {
      const id = state.queue.take(agentMayRun)
      if (id === undefined) break
      const task = state.tasks.get(id)
      if (task === undefined) continue
      take(task)
      starting.push(task)
    }
    return Effect.forEach(starting, (task) => FiberSet.run(state.handlers, dispatch(task)), { discard: true })
  })

  return {
    take,
    release,
    agentMayRun,
    drain,
    /** Slots held now, in all and by agent. */
    inUse: () => inUse,
    heldBy: (agentId: string) => perAgent.get(agentId) ?? 0
  }
}

export type Slots = ReturnType<typeof makeSlots>
