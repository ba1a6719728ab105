export { created, eventsFor, newTask, toCompleted } from "./history.js"
export { type JournalUnderTest, journalConformance } from "./journalConformance.js"
