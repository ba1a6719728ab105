import { Schema } from "effect"
import { Limits } from "./Limits.js"

/** A string of at least one and at most `max` characters. */
export const BoundedString = (max: number) =>
  Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(max)))

/** Free text shown to people: progress messages, log lines, error messages, reasons. */
export const Message = BoundedString(Limits.messageMaxLength)

/** Milliseconds since the Unix epoch (UTC). Numbers, not strings, so the hot path never parses dates. */
export const Timestamp = Schema.Int.pipe(
  Schema.check(Schema.isGreaterThanOrEqualTo(0)),
  Schema.annotate({ description: "milliseconds since the Unix epoch (UTC)" })
)
export type Timestamp = typeof Timestamp.Type

/** A non-negative duration in milliseconds. */
export const DurationMs = Schema.Int.pipe(
  Schema.check(Schema.isGreaterThanOrEqualTo(0)),
  Schema.annotate({ description: "a duration in milliseconds" })
)

/** An integer from 1 up. */
export const PositiveInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))

/** An integer from 0 up. */
export const NonNegativeInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

/**
 * Any JSON value (object, array, string, finite number, boolean, null). Task inputs, results and outputs
 * are JSON so they can be journalled and re-run exactly.
 */
export const JsonValue = Schema.Json
export type JsonValue = typeof JsonValue.Type
