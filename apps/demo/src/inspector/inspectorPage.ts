/** Stately's inspector UI, which the bridge page embeds and feeds. */
export const statelyInspectorUrl = "https://stately.ai/inspect"

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")

/**
 * The page the bridge serves: what it is, how to use it, and the Stately inspector in an iframe, fed with
 * the inspection events read from the bridge's WebSocket (`wsUrl`) and posted into the frame, the way
 * `@statelyai/inspect`'s own server page does. The events stay on this machine until the browser hands
 * them to the frame.
 */
export const inspectorPage = (wsUrl: string): string => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>coderClaw demo: task statecharts</title>
  <style>
    html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
    body { display: flex; flex-direction: column; }
    header { padding: 0.6rem 1rem; background: #f4f4f5; border-bottom: 1px solid #ddd; font-size: 0.9rem; }
    code { background: #e4e4e7; padding: 0 0.25rem; border-radius: 3px; }
    iframe { flex: 1; width: 100%; border: none; }
  </style>
</head>
<body>
  <header>
    <strong>coderClaw demo inspector.</strong>
    Every task of the demo is its own XState actor; its statechart events arrive here from the bridge at
    <code>${escapeHtml(wsUrl)}</code> (loopback only) and are shown in the
    <a href="${statelyInspectorUrl}" target="_blank" rel="noopener">Stately inspector</a> below, which needs internet
    access. Events sent before this page opened are replayed. Status: <span id="status">connecting…</span>
  </header>
  <iframe id="inspector" src="${statelyInspectorUrl}"></iframe>
  <script>
    const iframe = document.getElementById("inspector")
    const status = document.getElementById("status")
    const pending = []
    let ready = false
    let received = 0
    window.addEventListener("message", (event) => {
      if (event.data && event.data.type === "@statelyai.connected") {
        ready = true
        for (const message of pending.splice(0)) iframe.contentWindow.postMessage(message, "*")
      }
    })
    const socket = new WebSocket(${JSON.stringify(wsUrl)})
    socket.onopen = () => { status.textContent = "connected" }
    socket.onclose = () => { status.textContent = "disconnected (the demo ended)" }
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data)
      received++
      status.textContent = "connected, " + received + " events"
      if (ready) iframe.contentWindow.postMessage(message, "*")
      else pending.push(message)
    }
  </script>
</body>
</html>
`
