import { PROTOCOL_VERSION } from "@coderclaw/protocol"
import { WebSocket } from "ws"

/** A frame the server sent, as parsed JSON. */
export type Frame = Record<string, unknown> & {
  readonly id?: unknown
  readonly method?: string
  readonly params?: Record<string, unknown>
  readonly result?: unknown
  readonly error?: { readonly code: number; readonly message: string; readonly data?: Record<string, unknown> }
}

/**
 * A bare `ws` connection speaking the wire protocol by hand, for tests that send what a well-behaved client
 * never would. Frames are queued as they arrive; `close` resolves with the close code and reason.
 */
export class RawSocket {
  readonly socket: WebSocket
  readonly opened: Promise<void>
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>
  private readonly frames: Array<Frame> = []
  private waiters: Array<() => void> = []

  constructor(url: string) {
    this.socket = new WebSocket(url)
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve())
      this.socket.once("error", reject)
    })
    this.closed = new Promise((resolve) =>
      this.socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") }))
    )
    this.socket.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      for (const wake of this.waiters.splice(0)) wake()
    })
    this.socket.on("close", () => {
      for (const wake of this.waiters.splice(0)) wake()
    })
  }

  /** Sends a raw text frame. */
  sendText(text: string): void {
    this.socket.send(text)
  }

  /** Sends a JSON frame. */
  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame))
  }

  /** The next frame matching `match`, skipping others; fails after `timeoutMs`. */
  async next(match: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.frames.findIndex(match)
      if (index >= 0) return this.frames.splice(index, 1)[0] as Frame
      if (Date.now() > deadline || this.socket.readyState === WebSocket.CLOSED)
        throw new Error(`no matching frame (socket state ${this.socket.readyState})`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  /** The response to request `id`. */
  response(id: unknown, timeoutMs?: number): Promise<Frame> {
    return this.next((frame) => frame.id === id && frame.method === undefined, timeoutMs)
  }

  /** Sends a request and waits for its response. */
  async call(id: unknown, method: string, params?: unknown): Promise<Frame> {
    this.send({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) })
    return this.response(id)
  }

  /** Opens, reads the challenge and authenticates with a token; resolves with the hello result. */
  static async connect(url: string, token: string): Promise<RawSocket> {
    const raw = new RawSocket(url)
    await raw.opened
    await raw.next((frame) => frame.method === "connect.challenge")
    const hello = await raw.call("connect-1", "connect", {
      protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION },
      credentials: { type: "token", token }
    })
    if (hello.result === undefined) throw new Error(`connect failed: ${JSON.stringify(hello.error)}`)
    return raw
  }
}
