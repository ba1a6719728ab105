import { Context, Metric } from "effect"
import { Gauge, type Registry } from "prom-client"

type Snapshot = Metric.Metric.Snapshot
type Sample = { value: number; labels: Record<string, string | number>; metricName?: string }

/** A Prometheus metric name for an Effect metric id (invalid characters become `_`). */
const promName = (id: string): string => id.replace(/[^a-zA-Z0-9_:]/g, "_").replace(/^([^a-zA-Z_:])/, "_$1")

const promType = {
  Counter: "counter",
  Gauge: "gauge",
  Histogram: "histogram",
  Summary: "summary",
  Frequency: "counter"
}

/** The samples of one Effect metric series, as Prometheus names them (`_bucket`/`_sum`/`_count` for distributions). */
const samplesOf = (name: string, snapshot: Snapshot): Array<Sample> => {
  const labels: Record<string, string> = { ...snapshot.attributes }
  switch (snapshot.type) {
    case "Counter":
      return [{ value: Number(snapshot.state.count), labels }]
    case "Gauge":
      return [{ value: Number(snapshot.state.value), labels }]
    case "Frequency":
      return [...snapshot.state.occurrences].map(([key, value]) => ({ value, labels: { ...labels, key } }))
    case "Histogram":
      // Effect's buckets are cumulative, as Prometheus wants them; values above the last bound only count in +Inf.
      return [
        ...snapshot.state.buckets.map(([bound, value]) => ({
          metricName: `${name}_bucket`,
          value,
          labels: { ...labels, le: bound }
        })),
        { metricName: `${name}_bucket`, value: snapshot.state.count, labels: { ...labels, le: "+Inf" } },
        { metricName: `${name}_sum`, value: snapshot.state.sum, labels },
        { metricName: `${name}_count`, value: snapshot.state.count, labels }
      ]
    case "Summary":
      return [
        ...snapshot.state.quantiles.map(([quantile, value]) => ({
          value: value ?? Number.NaN,
          labels: { ...labels, quantile }
        })),
        { metricName: `${name}_sum`, value: snapshot.state.sum, labels },
        { metricName: `${name}_count`, value: snapshot.state.count, labels }
      ]
  }
}

/**
 * One Effect metric (every series of its id) seen by prom-client: a read-only metric whose `get()` reads the
 * Effect registry at scrape time. prom-client's `Registry` formats what `get()` returns (`metricName` per
 * sample, as its own histograms do), so the exposition format stays the library's.
 */
class EffectMetric extends Gauge<string> {
  constructor(
    private readonly metricId: string,
    private readonly read: () => ReadonlyArray<Snapshot>,
    help: string
  ) {
    super({ name: promName(metricId), help, registers: [] })
  }

  override async get(): ReturnType<Gauge<string>["get"]> {
    const series = this.read().filter((snapshot) => snapshot.id === this.metricId)
    const name = promName(this.metricId)
    const type = promType[series[0]?.type ?? "Gauge"]
    const values = series.flatMap((snapshot) => samplesOf(name, snapshot))
    // prom-client's `MetricType` is a type-only enum; at run time the registry reads these strings.
    const base = await super.get()
    return { ...base, type: type as unknown as typeof base.type, values }
  }
}

/**
 * Exports every metric of Effect's default registry (`Metric.snapshot`) through a prom-client `Registry`:
 * `sync()` registers a prom-client metric for each Effect metric id not seen before (Effect metrics appear
 * when first used), and each reads its current series when scraped.
 */
export const makeEffectMetricsCollector = (registry: Registry, context: Context.Context<never> = Context.empty()) => {
  const known = new Set<string>()
  const read = () => Metric.snapshotUnsafe(context)
  return {
    sync: (): void => {
      for (const snapshot of read()) {
        if (known.has(snapshot.id)) continue
        known.add(snapshot.id)
        if (registry.getSingleMetric(promName(snapshot.id)) !== undefined) continue
        registry.registerMetric(new EffectMetric(snapshot.id, read, snapshot.description ?? snapshot.id))
      }
    }
  }
}
