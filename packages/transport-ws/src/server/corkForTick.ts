import type { Duplex } from "node:stream"

/**
 * Returns a function that holds a socket's writes until the end of the current tick, so every frame sent
 * in one tick leaves in one `writev` system call instead of one call per frame.
 *
 * A task produces several frames (its answer and each event of every stream watching it), and a burst of
 * requests produces them for many tasks in the same tick: written one by one, each frame costs a system
 * call, which was a tenth of the server's CPU time under load. Corking delays nothing beyond the current
 * tick (`process.nextTick` runs before any I/O), and `bufferedAmount` still counts corked bytes, so the
 * slow-consumer limit sees them. `ws` corks around each frame itself; Node counts nested corks, so its
 * frames stay held until this uncork.
 */
export const corkForTick = (socket: Duplex): (() => void) => {
  let corked = false
  const uncork = () => {
    corked = false
    socket.uncork()
  }
  return () => {
    if (corked) return
    corked = true
    socket.cork()
    process.nextTick(uncork)
  }
}
