#!/usr/bin/env node
import { runSecureServerExample } from "./runSecureServerExample.js"

const report = await runSecureServerExample()
for (const step of report.steps) console.log(step)
console.log(`audit log: ${report.auditEntries} entries, chain ${report.auditIntact ? "verified" : "BROKEN"}`)
if (!report.auditIntact) process.exitCode = 1
