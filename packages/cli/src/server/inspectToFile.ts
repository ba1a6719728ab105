import { createWriteStream, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import type { RuntimeOptions } from "@coderclaw/runtime"

type InspectionEvent = Parameters<NonNullable<RuntimeOptions["inspect"]>>[0]

/** An inspection sink writing JSON lines, and how to close it. */
export interface InspectionFile {
  readonly inspect: NonNullable<RuntimeOptions["inspect"]>
  close(): Promise<void>
}

const plain = (value: unknown): unknown => {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown
  } catch {
    return "[not serialisable]"
  }
}

/** The part of an inspection event worth keeping: which actor, what happened, the state it is in. */
const lineOf = (event: InspectionEvent): Record<string, unknown> => {
  const base = { at: Date.now(), type: event.type, actorId: event.actorRef.sessionId, rootId: event.rootId }
  switch (event.type) {
    case "@xstate.event":
      return { ...base, sourceId: event.sourceRef?.sessionId, event: plain(event.event) }
    case "@xstate.snapshot": {
      const snapshot = event.snapshot as {
        readonly value?: unknown
        readonly status?: unknown
        readonly context?: unknown
      }
      return {
        ...base,
        event: plain(event.event),
        snapshot: { value: plain(snapshot.value), status: snapshot.status, context: plain(snapshot.context) }
      }
    }
    default:
      return base
  }
}

/**
 * Appends every inspection event of every task actor to `file` as one JSON line (`type`, `actorId`,
 * `rootId`, and the event or snapshot), for replaying a run in a custom inspector.
 */
export const inspectToFile = (file: string): InspectionFile => {
  mkdirSync(dirname(file), { recursive: true })
  // Every task's inputs pass through it: readable by the server's user only.
  const stream = createWriteStream(file, { flags: "a", mode: 0o600 })
  let open = true
  stream.on("error", () => {
    open = false
  })
  return {
    inspect: (event) => {
      if (open) stream.write(`${JSON.stringify(lineOf(event))}\n`)
    },
    close: () =>
      new Promise((resolve) => {
        open = false
        stream.end(() => resolve())
      })
  }
}
