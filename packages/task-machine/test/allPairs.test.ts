import type { TaskStatus, WaitingReason } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import {
  canTransition,
  commandsFor,
  commandTarget,
  decide,
  InvalidTransition,
  statusOf,
  type TaskCommand,
  taskStatuses
} from "../src/index.js"
import { sampleCommands, taskIn } from "./support/drive.js"

const waitingReasons: ReadonlyArray<WaitingReason> = ["input", "children", "approval"]

// Waiting is three situations; every pair starting at `waiting` is checked in each of them.
const startingPoints = (from: TaskStatus): ReadonlyArray<WaitingReason | undefined> =>
  from === "waiting" ? waitingReasons : [undefined]

const commandsTargeting = (to: TaskStatus): ReadonlyArray<TaskCommand> =>
  sampleCommands.filter((command) => commandTarget(command.type) === to)

describe("every pair of statuses (7×7) through real commands", () => {
  for (const from of taskStatuses) {
    for (const to of taskStatuses) {
      it(`${from} → ${to}: ${canTransition(from, to) ? "allowed" : "rejected"}`, () => {
        let accepted = 0
        for (const waitingFor of startingPoints(from)) {
          const snapshot = taskIn(from, waitingFor)
          expect(statusOf(snapshot)).toBe(from)
          for (const command of commandsTargeting(to)) {
            const decision = decide(snapshot, command)
            if (decision._tag === "Accepted") {
              accepted++
              expect(canTransition(from, to), `${command.type} moved ${from} → ${to}`).toBe(true)
              expect(statusOf(decision.snapshot)).toBe(to)
              const change = decision.events.find((entry) => entry.event.type === "status_changed")
              expect(change?.event).toMatchObject({ type: "status_changed", from, to })
            } else {
              expect(decision.error).toBeInstanceOf(InvalidTransition)
              expect(decision.error.from).toBe(from)
              expect(decision.error.to).toBe(to)
              expect(decision.error.message).toContain(`'${from}'`)
              expect(decision.error.message).toContain(`'${to}'`)
            }
          }
        }
        // An allowed move succeeds with each command that makes it, from the matching situation.
        expect(accepted > 0).toBe(canTransition(from, to))
        if (canTransition(from, to)) expect(accepted).toBeGreaterThanOrEqual(commandsFor(from, to).length)
      })
    }
  }

  it("rejects a command out of a final state without touching the snapshot", () => {
    for (const final of ["completed", "failed", "cancelled"] as const) {
      const snapshot = taskIn(final)
      for (const command of sampleCommands) {
        const decision = decide(snapshot, command)
        expect(decision._tag, `${command.type} in ${final}`).toBe("Rejected")
        if (decision._tag === "Rejected") expect(decision.error.detail).toBe(`the task already ended (${final})`)
      }
      expect(statusOf(snapshot)).toBe(final)
    }
  })
})
