export { runBasicSubmission } from "./runBasicSubmission.js"
