import { createWsClient } from "@coderclaw/transport-ws/client"
import { WebSocket } from "ws" // in a browser, leave `WebSocket` out: the global one is used

export const shoutOver = async (url: string, text: string) => {
  const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "untrusted" } as const
  const client = createWsClient({ url, credentials: { type: "development", principal: me }, WebSocket })
  try {
    const task = await client.submit({ agentId: "shout", description: "shout it", input: text })
    for await (const { seq, event } of client.subscribe(task.id)) console.log(seq, event.type)
    return (await client.get(task.id)).result // "HELLO"
  } finally {
    await client.close()
  }
}
