// The step input is the contract between workflows and the agents that run their steps, so it lives in
// the protocol, where agents (which do not import the orchestrator) read it too.
export { type StepInput, stepInputOf, stepMetadataKey } from "@coderclaw/protocol"
