import type { TaskStatus as A2aTaskStatus, Artifact, Message, StreamResponse, Task } from "@a2a-js/sdk"
import type { TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
import { dataPart, messageOf, partsOf, textPart, urlPart } from "./a2aParts.js"
import { a2aTaskState, type StatefulRecord } from "./a2aTaskState.js"

/** The metadata key a task keeps the A2A `contextId` its caller chose under. */
export const contextIdKey = "a2a.contextId"

/** The A2A `contextId` of a task: the one its caller gave, or the id of its task tree's root. */
export const contextIdOf = (record: Pick<TaskRecord, "metadata" | "rootId">): string => {
  const given = record.metadata[contextIdKey]
  return typeof given === "string" && given !== "" ? given : record.rootId
}

const isoTime = (ms: number): string => new Date(ms).toISOString()

/**
 * One of our tasks as A2A sees it, built from its events: the conversation (`history`: the input, each
 * question the agent asked and each answer), the artifacts (named outputs, artifacts by reference and the
 * result), and the status with the message that explains it (the question being asked, the failure, the
 * cancellation reason). `apply` folds one more event in and returns the A2A stream events it amounts to.
 */
export class TaskView {
  private state: StatefulRecord
  private updatedAt: number
  private seq: number
  private statusMessage: Message | undefined
  private readonly history: Array<Message> = []
  private readonly artifacts = new Map<string, Artifact>()
  readonly contextId: string

  constructor(
    private readonly record: TaskRecord,
    contextId: string = contextIdOf(record)
  ) {
    this.contextId = contextId
    this.state = record
    this.updatedAt = record.updatedAt
    this.seq = record.lastSeq
    if (record.error !== undefined) this.statusMessage = this.failureMessage(record.error)
    if (record.result !== undefined) this.setArtifact("result", "result", partsOf(record.result))
  }

  /**
   * Completes a view of a task whose only event is `created` from its record alone (its input is the
   * first message of the conversation), saving the journal read of a fresh task's history.
   */
  createdOnly(): this {
    if (this.record.lastSeq === 1 && this.history.length === 0)
      this.history.push(this.message("user", partsOf(this.record.input), 1))
    return this
  }

  /** Folds one event in; returns the stream events to send (none for bookkeeping events). */
  apply(envelope: TaskEventEnvelope): Array<StreamResponse> {
    const { event } = envelope
    this.updatedAt = envelope.at
    this.seq = Math.max(this.seq, envelope.seq)
    switch (event.type) {
      case "created":
        this.history.push(this.message("user", partsOf(event.input), envelope.seq))
        return []
      case "input_requested":
        this.statusMessage = this.message("agent", [textPart(event.prompt)], envelope.seq, { waitingFor: "input" })
        this.history.push(this.statusMessage)
        return []
      case "approval_requested":
        this.statusMessage = this.message(
          "agent",
          [
            textPart(event.summary),
            dataPart({ skillId: event.skillId, answer: { approved: "boolean", reason: "string?" } })
          ],
          envelope.seq,
          { waitingFor: "approval" }
        )
        this.history.push(this.statusMessage)
        return []
      case "input_provided":
        this.history.push(this.message("user", partsOf(event.input), envelope.seq))
        return []
      case "progress":
        return [this.statusUpdate(this.progressMessage(event.percent, event.message, envelope.seq))]
      case "output":
        return [this.artifactUpdate(this.setArtifact(`output:${event.name}`, event.name, partsOf(event.value)))]
      case "artifact":
        return [
          this.artifactUpdate(
            this.setArtifact(`artifact:${event.name}`, event.name, [urlPart(event.uri, event.mimeType, event.name)])
          )
        ]
      case "status_changed":
        return this.statusChanged(envelope, event)
      default:
        return []
    }
  }

  /** The A2A task as of the events applied so far, with at most `historyLength` messages (all when absent). */
  task(historyLength?: number): Task {
    const history =
      historyLength === undefined ? this.history : historyLength <= 0 ? [] : this.history.slice(-historyLength)
    return {
      id: this.record.id,
      contextId: this.contextId,
      status: this.status(),
      artifacts: [...this.artifacts.values()],
      history: [...history],
      metadata: {
        coderclaw: {
          agentId: this.record.agentId,
          status: this.state.status,
          ...(this.state.waitingFor === undefined ? {} : { waitingFor: this.state.waitingFor }),
          ...(this.state.error === undefined ? {} : { error: this.state.error })
        }
      }
    }
  }

  /** The task's id. */
  get taskId(): string {
    return this.record.id
  }

  /** The `seq` of the last event the view includes. */
  get lastSeq(): number {
    return this.seq
  }

  /** The current A2A state. */
  get a2aState() {
    return a2aTaskState(this.state)
  }

  private statusChanged(
    envelope: TaskEventEnvelope,
    event: Extract<TaskEventEnvelope["event"], { type: "status_changed" }>
  ): Array<StreamResponse> {
    this.state = {
      status: event.to,
      ...(event.waitingFor === undefined ? {} : { waitingFor: event.waitingFor }),
      ...(event.error === undefined ? {} : { error: event.error })
    }
    const updates: Array<StreamResponse> = []
    if (event.to === "completed" && event.result !== undefined)
      updates.push(this.artifactUpdate(this.setArtifact("result", "result", partsOf(event.result))))
    if (event.to === "failed" && event.error !== undefined) this.statusMessage = this.failureMessage(event.error)
    else if (event.to === "cancelled")
      this.statusMessage = this.message("agent", [textPart(event.reason ?? "cancelled")], envelope.seq)
    else if (event.to !== "waiting" || event.waitingFor === "children") this.statusMessage = undefined
    updates.push(this.statusUpdate(this.statusMessage))
    return updates
  }

  private status(message: Message | undefined = this.statusMessage): A2aTaskStatus {
    return { state: a2aTaskState(this.state), message, timestamp: isoTime(this.updatedAt) }
  }

  private statusUpdate(message: Message | undefined): StreamResponse {
    return {
      payload: {
        $case: "statusUpdate",
        value: { taskId: this.record.id, contextId: this.contextId, status: this.status(message), metadata: undefined }
      }
    }
  }

  private artifactUpdate(artifact: Artifact): StreamResponse {
    return {
      payload: {
        $case: "artifactUpdate",
        value: {
          taskId: this.record.id,
          contextId: this.contextId,
          artifact,
          append: false,
          lastChunk: true,
          metadata: undefined
        }
      }
    }
  }

  private setArtifact(artifactId: string, name: string, parts: Artifact["parts"]): Artifact {
    const artifact: Artifact = { artifactId, name, description: "", parts, metadata: undefined, extensions: [] }
    this.artifacts.set(artifactId, artifact)
    return artifact
  }

  private message(role: "user" | "agent", parts: Message["parts"], seq: number, metadata?: Record<string, unknown>) {
    return messageOf(
      role,
      { taskId: this.record.id, contextId: this.contextId, messageId: `${this.record.id}:${seq}` },
      parts,
      metadata
    )
  }

  private failureMessage(error: NonNullable<TaskRecord["error"]>): Message {
    return messageOf("agent", { taskId: this.record.id, contextId: this.contextId }, [
      textPart(error.message),
      dataPart({ code: error.code })
    ])
  }

  private progressMessage(percent: number, text: string | undefined, seq: number): Message {
    return this.message("agent", [textPart(text === undefined ? `${percent}%` : `${percent}% ${text}`)], seq, {
      progress: percent
    })
  }
}
