import { Schema } from "effect"
import { ErrorInfo } from "../ErrorInfo.js"
import { BoundedString, NonNegativeInt } from "../Primitives.js"
import { TaskEventEnvelope } from "../TaskEvent.js"

/** A subscription's id, chosen by the server, unique on its connection. */
export const SubscriptionId = BoundedString(64)

/** `task.subscribe`: the task's events with `seq > afterSeq` (default 0: the whole history), then live. */
export const SubscribeParams = Schema.Struct({
  taskId: Schema.String,
  afterSeq: Schema.optionalKey(NonNegativeInt)
})

/** `task.subscribeAll`: events of visible tasks matching `filter` (a `TaskFilter`) after `afterPosition`. */
export const SubscribeAllParams = Schema.Struct({
  filter: Schema.optionalKey(Schema.Unknown),
  afterPosition: Schema.optionalKey(NonNegativeInt)
})

/** The result of `task.subscribe` and `task.subscribeAll`: events follow as `task.event` notifications. */
export const SubscribeResult = Schema.Struct({ subscriptionId: SubscriptionId })

/** `task.unsubscribe`. */
export const UnsubscribeParams = Schema.Struct({ subscriptionId: SubscriptionId })

/** `task.unsubscribe`'s result: false when the subscription had already ended. */
export const UnsubscribeResult = Schema.Struct({ unsubscribed: Schema.Boolean })

/** Params of the `task.event` notification: one event envelope, tagged with the subscription it is for. */
export const TaskEventNotification = Schema.Struct({
  subscriptionId: SubscriptionId,
  ...TaskEventEnvelope.fields
}).annotate({ title: "TaskEventNotification" })
export type TaskEventNotification = typeof TaskEventNotification.Type

/**
 * Params of the `task.end` notification: the subscription is over. Without `error`, a `task.subscribe`
 * stream delivered the task's final event; with it, the stream failed (e.g. `UNAVAILABLE` on shutdown).
 */
export const TaskEndNotification = Schema.Struct({
  subscriptionId: SubscriptionId,
  error: Schema.optionalKey(ErrorInfo)
}).annotate({ title: "TaskEndNotification" })
export type TaskEndNotification = typeof TaskEndNotification.Type
