export { countFileLines, listTypeScriptFiles } from "./countLines.js"
export { formatEvent } from "./formatEvent.js"
export { type LifecycleExampleOptions, type LifecycleReport, runLifecycleExample } from "./runLifecycleExample.js"
export { TaskBook, type TaskBookOptions } from "./TaskBook.js"
