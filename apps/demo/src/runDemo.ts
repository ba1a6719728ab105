import { basename, resolve } from "node:path"
import { Effect } from "effect"
import { makeDemoUsers } from "./config/demoUsers.js"
import type { DemoContext } from "./DemoContext.js"
import type { DemoError } from "./DemoError.js"
import type { DemoOptions } from "./DemoOptions.js"
import type { DemoReport, Denial, TaskOutcome } from "./DemoReport.js"
import { statelyInspectorUrl } from "./inspector/inspectorPage.js"
import { type InspectorBridge, startInspectorBridge } from "./inspector/startInspectorBridge.js"
import { makeNarrator } from "./narrate/Narrator.js"
import { answerQuestion } from "./steps/answerQuestion.js"
import { approveAndCancel } from "./steps/approveAndCancel.js"
import { deniedActions } from "./steps/deniedActions.js"
import { pairDevice } from "./steps/pairDevice.js"
import { repositoryTasks } from "./steps/repositoryTasks.js"
import { startMesh } from "./steps/startMesh.js"
import { summary } from "./steps/summary.js"
import { workflow } from "./steps/workflow.js"

/**
 * The whole demo, as one scoped program: starts the mesh, then acts as its users over real WebSocket
 * connections through device pairing, repository tasks, a workflow, a question, an approved and cancelled
 * command and refused actions, and ends with the summary and the verified audit log. Everything it started
 * (server, connections, temporary directory, inspector bridge) is closed when it ends, whether it succeeded
 * or not. Fails with the `DemoError` of the first step that did not go as it must.
 */
export const runDemo = (options: DemoOptions): Effect.Effect<DemoReport, DemoError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const started = Date.now()
      const write = options.write ?? ((text: string) => void process.stdout.write(text))
      const narrator = makeNarrator({ write, interactive: options.interactive ?? process.stdout.isTTY === true })
      const repository = resolve(options.repository)
      const repositoryName = basename(repository)
      const users = makeDemoUsers()
      const tasks: Array<TaskOutcome> = []
      const denials: Array<Denial> = []

      let bridge: InspectorBridge | undefined
      if (options.inspect === true) {
        bridge = yield* startInspectorBridge
        yield* narrator.section("Inspector")
        yield* narrator.line(`open ${bridge.pageUrl} to watch every task statechart in the Stately inspector`)
        yield* narrator.line(
          `(the page embeds ${statelyInspectorUrl} and feeds it from the WebSocket ${bridge.wsUrl}, loopback only)`
        )
      }

      const server = yield* startMesh({
        narrator,
        repository,
        repositoryName,
        users: [users.admin, users.alice, users.reader, users.ciBot],
        ...(bridge === undefined ? {} : { inspect: bridge.inspect })
      })
      const context: DemoContext = {
        narrator,
        server,
        users,
        repository,
        repositoryName,
        scanPath: options.scanPath ?? "packages",
        recordTask: (outcome) => tasks.push(outcome),
        recordDenial: (denial) => denials.push(denial)
      }

      const { alice, admin } = yield* pairDevice(context)
      yield* repositoryTasks(context, alice)
      yield* workflow(context, alice)
      yield* answerQuestion(context, alice)
      yield* approveAndCancel(context, alice, admin)
      yield* deniedActions(context)
      const audit = yield* summary(context, admin, tasks)

      const wallTimeMs = Date.now() - started
      yield* narrator.line("")
      yield* narrator.line(
        `Demo complete in ${(wallTimeMs / 1000).toFixed(1)} s: ${tasks.length} tasks, ${denials.length} actions denied, audit verified.`
      )
      if (bridge !== undefined && options.keepOpenUntil !== undefined) {
        yield* narrator.line(`The server and the inspector stay up at ${bridge.pageUrl}; press Ctrl-C to stop.`)
        const keepOpenUntil = options.keepOpenUntil
        yield* Effect.promise(() => keepOpenUntil)
      }
      return {
        serverUrl: server.url,
        tasks,
        denials,
        audit,
        wallTimeMs,
        ...(bridge === undefined ? {} : { inspectorUrl: bridge.pageUrl })
      }
    })
  )
