// The method → permission table is part of the protocol, so every server and the security package read
// the same one; it is re-exported here for code that imported it from this package.
export { methodPermissions, permissionOf } from "@coderclaw/protocol"
