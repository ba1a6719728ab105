import { transportConformance } from "@coderclaw/transport-conformance"
import { startLoopback } from "./support/loopback.js"

// Every RuntimeClient behaviour, unchanged, over real WebSocket connections on the loopback interface.
transportConformance({
  name: "websocket",
  start: async (options) => {
    const loopback = await startLoopback(options)
    return {
      client: (principal) => loopback.client(principal),
      close: async () => {
        await loopback.server.close()
        // The runtime goes after its server, as in production; clients are the harness's to close.
        await loopback.close()
      }
    }
  }
})
