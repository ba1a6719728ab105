/**
 * A token bucket: `rate` tokens per second up to `burst`. `take` spends one token, or says how long until
 * one is available. Time is read on demand, so an idle connection costs no timer.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now
  ) {
    this.tokens = burst
    this.updatedAt = now()
  }

  /** 0 when a token was spent; otherwise the milliseconds to wait before one is available. */
  take(): number {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.rate) / 1000)
    this.updatedAt = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate))
  }
}
