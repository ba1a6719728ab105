import { wireMethodNames } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { methodPermissions, permissionOf } from "../src/index.js"

describe("method permissions", () => {
  it("classifies every method of the protocol's table, and nothing else", () => {
    for (const method of wireMethodNames) expect(permissionOf(method), method).toBeDefined()
    expect(Object.keys(methodPermissions).sort()).toEqual([...wireMethodNames].sort())
  })

  it("denies names that are not methods, including inherited object keys", () => {
    for (const name of ["task.delete", "admin.shutdown", "", "toString", "__proto__", "constructor"])
      expect(permissionOf(name), name).toBeUndefined()
  })

  it("gates every method that changes or reveals tasks behind a runtime permission", () => {
    expect(methodPermissions["task.submit"]).toBe("task:submit")
    expect(methodPermissions["task.cancel"]).toBe("task:cancel")
    expect(methodPermissions["task.provideInput"]).toBe("task:input")
    for (const method of ["task.get", "task.list", "task.subscribe", "task.subscribeAll"] as const)
      expect(methodPermissions[method]).toBe("task:read")
  })
})
