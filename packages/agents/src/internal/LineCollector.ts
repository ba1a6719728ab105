/** Limits of a `LineCollector`. */
export interface LineLimits {
  /** Characters of the stream's end kept for the result. */
  readonly tailChars: number
  /** Lines handed out for streaming, in total; later lines only reach the tail. */
  readonly maxStreamedLines: number
  /** Longer lines are cut (with `…`) before they are streamed. */
  readonly maxLineChars: number
}

/**
 * Collects one output stream of a process: splits it into lines for streaming in batches (bounded in total,
 * so a command printing without end cannot flood the journal) and keeps its last characters as the tail.
 */
export class LineCollector {
  private partial = ""
  private pending: Array<string> = []
  private handedOut = 0
  private droppedLines = 0
  private tailText = ""
  private lineCount = 0

  constructor(private readonly limits: LineLimits) {}

  /** Adds a decoded chunk of the stream. */
  push(chunk: string): void {
    this.tailText = (this.tailText + chunk).slice(-this.limits.tailChars)
    const parts = (this.partial + chunk).split("\n")
    this.partial = parts.pop() ?? ""
    for (const line of parts) this.add(line)
    // A process that never prints a newline still gets its output streamed, in line-sized pieces.
    if (this.partial.length > this.limits.maxLineChars) {
      this.add(this.partial)
      this.partial = ""
    }
  }

  /** The stream ended: its last, unterminated line becomes a line too. */
  end(): void {
    if (this.partial !== "") this.add(this.partial)
    this.partial = ""
  }

  /** Takes up to `max` lines waiting to be streamed. */
  take(max: number): Array<string> {
    const batch = this.pending.splice(0, max)
    this.handedOut += batch.length
    return batch
  }

  /** The last `tailChars` characters of the stream. */
  get tail(): string {
    return this.tailText
  }

  /** Lines seen in total. */
  get lines(): number {
    return this.lineCount
  }

  /** Lines not streamed because the streaming limit was reached. */
  get dropped(): number {
    return this.droppedLines
  }

  private add(raw: string): void {
    this.lineCount++
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    if (this.handedOut + this.pending.length >= this.limits.maxStreamedLines) {
      this.droppedLines++
      return
    }
    this.pending.push(line.length > this.limits.maxLineChars ? `${line.slice(0, this.limits.maxLineChars)}…` : line)
  }
}
