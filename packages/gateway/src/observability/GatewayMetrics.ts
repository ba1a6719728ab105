import { Metric } from "effect"

/**
 * The gateway's own measurements, as Effect `Metric`s like the runtime's: exported at `/metrics` with them.
 * `webhookDeliveries` is counted by the push-notification outbox, one per delivery attempt, by `outcome`
 * (`delivered`, `failed`, `retried`, `dropped`).
 */
export const GatewayMetrics = {
  webhookDeliveries: Metric.counter("coderclaw_webhook_deliveries_total", {
    description: "Push-notification (webhook) delivery attempts, by outcome",
    incremental: true
  })
} as const

/** Counts one webhook delivery attempt that ended with `outcome`. */
export const countWebhookDelivery = (outcome: "delivered" | "failed" | "retried" | "dropped") =>
  Metric.update(Metric.withAttributes(GatewayMetrics.webhookDeliveries, { outcome }), 1)
