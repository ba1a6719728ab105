// Shared with the other SQL stores: it lives in the runtime.
export { JournalQuarantine as Quarantine } from "@coderclaw/runtime"
