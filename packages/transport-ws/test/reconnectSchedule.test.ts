import { describe, expect, it } from "vitest"
import { ReconnectBackoff, reconnectSchedule } from "../src/client/reconnectSchedule.js"

const waits = (backoff: ReconnectBackoff, count: number) => Array.from({ length: count }, () => backoff.next())

describe("reconnectSchedule", () => {
  it("by default starts at 100 ms ±20 %, doubles, and never waits more than 5,000 ms", () => {
    for (let trial = 0; trial < 50; trial++) {
      const [first, second, third, ...rest] = waits(new ReconnectBackoff(reconnectSchedule(undefined)), 20)
      expect(first).toBeGreaterThanOrEqual(80)
      expect(first).toBeLessThanOrEqual(120)
      expect(second).toBeGreaterThanOrEqual(160)
      expect(second).toBeLessThanOrEqual(240)
      expect(third).toBeGreaterThanOrEqual(320)
      expect(third).toBeLessThanOrEqual(480)
      for (const wait of rest) expect(wait).toBeLessThanOrEqual(5_000)
      // 100 ms × 2^19, even jittered down by 20 %, is far past the cap: the cap is what remains.
      expect(rest.at(-1)).toBe(5_000)
    }
  })

  it("follows initialDelayMs, factor and maxDelayMs", () => {
    const backoff = new ReconnectBackoff(reconnectSchedule({ initialDelayMs: 10, factor: 3, maxDelayMs: 50 }))
    const [first, second, ...rest] = waits(backoff, 6)
    expect(first).toBeGreaterThanOrEqual(8)
    expect(first).toBeLessThanOrEqual(12)
    expect(second).toBeGreaterThanOrEqual(24)
    expect(second).toBeLessThanOrEqual(36)
    for (const wait of rest) {
      expect(wait).toBeGreaterThanOrEqual(40)
      expect(wait).toBeLessThanOrEqual(50)
    }
  })

  it("ends after maxAttempts waits, counts them, and starts over on reset", () => {
    const backoff = new ReconnectBackoff(reconnectSchedule({ maxAttempts: 3 }))
    expect(waits(backoff, 3).every((wait) => wait !== undefined)).toBe(true)
    expect(backoff.attempts).toBe(3)
    expect(backoff.next()).toBeUndefined()
    backoff.reset()
    expect(backoff.attempts).toBe(0)
    expect(backoff.next()).toBeLessThanOrEqual(120)
  })
})
