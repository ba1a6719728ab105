import { PROTOCOL_VERSION } from "@coderclaw/protocol"
import { WebSocket } from "ws"

/** A frame the server sent, parsed. */
export type WireFrame = Record<string, unknown> & {
  readonly id?: unknown
  readonly method?: string
  readonly params?: Record<string, unknown>
  readonly result?: Record<string, unknown>
  readonly error?: { readonly code: number; readonly message: string; readonly data?: Record<string, unknown> }
}

/**
 * A bare WebSocket speaking the wire protocol by hand, so a test sees exactly which frames a connection
 * received and how it was closed. Frames queue as they arrive.
 */
export class RawWire {
  readonly frames: Array<WireFrame> = []
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>
  private waiters: Array<() => void> = []
  private nextId = 0

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") }))
    )
    socket.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as WireFrame)
      this.wake()
    })
    socket.on("close", () => this.wake())
    socket.on("error", () => undefined)
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake()
  }

  /** Opens a connection and reads the challenge. */
  static async open(url: string): Promise<{ readonly wire: RawWire; readonly nonce: string }> {
    const wire = new RawWire(new WebSocket(url))
    const challenge = await wire.next((frame) => frame.method === "connect.challenge")
    return { wire, nonce: String(challenge.params?.nonce) }
  }

  /** Opens a connection and sends `connect` with these credentials (and device proof); answers the result frame. */
  static async connect(
    url: string,
    credentials: unknown,
    device?: (nonce: string) => unknown
  ): Promise<{ readonly wire: RawWire; readonly hello: WireFrame }> {
    const { wire, nonce } = await RawWire.open(url)
    const hello = await wire.call("connect", {
      protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION },
      credentials,
      ...(device === undefined ? {} : { device: device(nonce) })
    })
    return { wire, hello }
  }

  /** The next frame matching `match` (removed from the queue); fails after `timeoutMs` or once closed. */
  async next(match: (frame: WireFrame) => boolean, timeoutMs = 10_000): Promise<WireFrame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.frames.findIndex(match)
      if (index >= 0) return this.frames.splice(index, 1)[0] as WireFrame
      if (Date.now() > deadline || this.socket.readyState === WebSocket.CLOSED)
        throw new Error(`no matching frame (socket state ${this.socket.readyState})`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  /** Sends a request and waits for its answer. */
  call(method: string, params?: unknown): Promise<WireFrame> {
    const id = `r${++this.nextId}`
    this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }))
    return this.next((frame) => frame.id === id && frame.method === undefined)
  }

  close(): void {
    this.socket.terminate()
  }
}
