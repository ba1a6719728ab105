import type { TaskStatus } from "@coderclaw/protocol"
import { isTerminalStatus, taskStatuses as protocolStatuses } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import {
  canTransition,
  checkTransition,
  InvalidTransition,
  isFinalStatus,
  reachableStatuses,
  taskMachine,
  taskStatuses,
  transitionTable
} from "../src/index.js"

// The lifecycle table of DESIGN.md, written out by hand: the machine-derived table must equal it.
const designTable: Record<TaskStatus, ReadonlyArray<TaskStatus>> = {
  pending: ["planning", "cancelled", "failed"],
  planning: ["running", "cancelled", "failed"],
  running: ["waiting", "completed", "cancelled", "failed"],
  waiting: ["running", "cancelled", "failed"],
  completed: [],
  failed: [],
  cancelled: []
}

describe("transition table", () => {
  it("is exactly DESIGN.md's lifecycle table", () => {
    for (const status of taskStatuses) {
      expect([...transitionTable[status]].sort()).toEqual([...designTable[status]].sort())
    }
  })

  it("has the protocol's seven statuses, three of them final", () => {
    expect(taskStatuses).toEqual(protocolStatuses)
    expect(taskStatuses.filter(isFinalStatus)).toEqual(["completed", "failed", "cancelled"])
  })

  it("ends a task exactly where the protocol's isTerminalStatus says it ends", () => {
    // The machine keeps its own reading of its final states (it may not load the protocol's Schema code at
    // run time); the two must never disagree.
    for (const status of taskStatuses) expect(isFinalStatus(status), status).toBe(isTerminalStatus(status))
  })

  it("reaches every status from pending", () => {
    expect(reachableStatuses()).toEqual(new Set(taskStatuses))
  })

  it("answers canTransition and checkTransition for all 7×7 pairs, self-moves included", () => {
    let allowed = 0
    for (const from of taskStatuses) {
      for (const to of taskStatuses) {
        const expected = designTable[from].includes(to)
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected)
        const error = checkTransition(from, to)
        if (expected) {
          allowed++
          expect(error).toBeUndefined()
        } else {
          expect(error).toBeInstanceOf(InvalidTransition)
          expect(error?._tag).toBe("InvalidTransition")
          expect(error?.from).toBe(from)
          expect(error?.to).toBe(to)
          expect(error?.message).toContain(`'${from}'`)
          expect(error?.message).toContain(`'${to}'`)
        }
      }
    }
    expect(allowed).toBe(13)
  })

  it("describes every state so the inspector shows its meaning", () => {
    const undocumented: Array<string> = []
    const visit = (node: typeof taskMachine.root): void => {
      if (!node.description) undocumented.push(node.id)
      for (const child of Object.values(node.states)) visit(child)
    }
    visit(taskMachine.root)
    expect(undocumented).toEqual([])
  })

  it("keeps cancel and fail as single transitions of the compound active state", () => {
    const active = taskMachine.root.states.active
    expect(active?.type).toBe("compound")
    expect(active?.transitions.get("cancel")?.[0]?.target?.[0]?.key).toBe("cancelled")
    expect(active?.transitions.get("fail")?.[0]?.target?.[0]?.key).toBe("failed")
    for (const status of ["completed", "failed", "cancelled"]) {
      expect(taskMachine.root.states[status]?.type).toBe("final")
    }
  })
})
