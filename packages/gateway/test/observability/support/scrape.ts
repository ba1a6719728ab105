import { request } from "node:http"
import parsePrometheusTextFormat, { type Family, type Sample } from "parse-prometheus-text-format"

/** A plain HTTP request on loopback: status, headers and body text. */
export const httpGet = (url: string, method = "GET") =>
  new Promise<{ status: number; contentType: string | undefined; body: string }>((resolve, reject) => {
    const call = request(url, { method }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8")
        })
      )
    })
    call.on("error", reject)
    call.end()
  })

/** A scrape: the parsed families, and the text they were parsed from. */
export interface Scraped extends Array<Family> {
  readonly text: string
}

/** Scrapes `/metrics` and parses it with a Prometheus text-format parser. */
export const scrape = async (url: string): Promise<Scraped> => {
  const answer = await httpGet(url)
  if (answer.status !== 200) throw new Error(`scrape answered ${answer.status}: ${answer.body}`)
  return Object.assign(parsePrometheusTextFormat(answer.body), { text: answer.body })
}

const matches = (sample: Sample, labels: Readonly<Record<string, string>>) =>
  Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value)

/** The family named `name`. */
export const family = (families: ReadonlyArray<Family>, name: string): Family | undefined =>
  families.find((candidate) => candidate.name === name)

/** The value of the sample of `name` with `labels` (0 when there is none yet). */
export const sampleValue = (
  families: ReadonlyArray<Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {}
): number => {
  const sample = family(families, name)?.metrics.find((candidate) => matches(candidate, labels))
  return sample?.value === undefined ? 0 : Number(sample.value)
}

/**
 * The observation count of the histogram series of `name` with `labels` (0 when there is none yet). The
 * parser merges the series of a labelled histogram into one (it keys buckets by `le` alone), so the
 * `<name>_count` lines are parsed on their own, as the plain series they are.
 */
export const histogramCount = (
  scraped: Scraped,
  name: string,
  labels: Readonly<Record<string, string>> = {}
): number => {
  const counts = scraped.text.split("\n").filter((line) => line.startsWith(`${name}_count`))
  return sampleValue(parsePrometheusTextFormat(`${counts.join("\n")}\n`), `${name}_count`, labels)
}
