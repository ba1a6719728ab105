import { childScript, runChild } from "./child.js"

/**
 * Heap per parked task, measured in a fresh process started with `--expose-gc`: heap in use after full
 * collections, before and after parking `tasks` tasks in `waiting`, divided by `tasks`.
 * - `actors`: bare XState actors of `taskMachine` parked in `waiting` (the anchor: the statechart alone);
 * - `live`: runtime tasks waiting for input with their actor and agent fiber in memory;
 * - `passivated`: the same with `passivateWaiting`, so only the journal (on disk) holds them;
 * - `finished`: tasks run to completion on the in-memory journal, whose history stays on the heap.
 */
export const measureHeapPerTask = async (mode: "actors" | "live" | "passivated" | "finished", tasks: number) => {
  const lines = await runChild(childScript("memoryChild"), [JSON.stringify({ mode, tasks })], ["--expose-gc"])
  const result = lines.find((line) => line.kind === "result")
  if (result === undefined) throw new Error("the memory benchmark reported nothing")
  return result as {
    readonly bytesPerTask: number
    readonly heapUsed: number
    readonly parkedMs?: number
    readonly tasksPerSecond?: number
  }
}
