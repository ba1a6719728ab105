#!/usr/bin/env node
import { runBasicSubmission } from "./runBasicSubmission.js"

await runBasicSubmission()
