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

// The wire format of the Stately inspector (`@statelyai/inspect`), which other inspectors read as well.
const statelyVersion = "1.0.0"

/** The definition of the actor's state machine, as a JSON string; `undefined` for logic that has none. */
const definitionOf = (event: InspectionEvent): string | undefined => {
  const config = (event.actorRef as { readonly logic?: { readonly config?: unknown } }).logic?.config
  return typeof config === "object" && config !== null ? JSON.stringify(plain(config)) : undefined
}

/**
 * One inspection event as a line of the Stately inspector's format, the actor named by its id (the task's
 * id) rather than XState's per-process session id (`x:0`), so lines from several runs never collide.
 */
const lineOf = (event: InspectionEvent): Record<string, unknown> | undefined => {
  const taskId = (event.actorRef as { readonly id?: string }).id ?? "unknown"
  const base = { sessionId: taskId, rootId: taskId, createdAt: String(Date.now()), id: null, _version: statelyVersion }
  switch (event.type) {
    case "@xstate.actor": {
      const definition = definitionOf(event)
      const name = (event.actorRef as { readonly logic?: { readonly id?: string } }).logic?.id ?? taskId
      return {
        type: "@xstate.actor",
        ...base,
        name,
        ...(definition === undefined ? {} : { definition }),
        // The actor is still being built (its snapshot comes in the next line), as the Stately client sends it.
        snapshot: { status: "active" }
      }
    }
    case "@xstate.event":
      return {
        type: "@xstate.event",
        ...base,
        sourceId: (event.sourceRef as { readonly id?: string } | undefined)?.id,
        event: plain(event.event)
      }
    case "@xstate.snapshot":
      return { type: "@xstate.snapshot", ...base, event: plain(event.event), snapshot: plain(event.snapshot) }
    default:
      return undefined
  }
}

/**
 * Appends every inspection event of every task actor to `file` as one JSON line in the Stately inspector's
 * format (`@xstate.actor` with the machine's `definition` once per actor, then `@xstate.event` and
 * `@xstate.snapshot`), each actor named by its task id: a file can be replayed into an inspector.
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
      if (!open) return
      // Inspection runs inside the task actor's own steps: a line that cannot be written must not break them.
      try {
        const line = lineOf(event)
        if (line !== undefined) stream.write(`${JSON.stringify(line)}\n`)
      } catch {
        // Dropped: the file is a debugging aid, the task's journal is the record.
      }
    },
    close: () =>
      new Promise((resolve) => {
        open = false
        stream.end(() => resolve())
      })
  }
}
