import { failedError, usageError } from "../cli/CliError.js"
import type { CliIo } from "../cli/CliIo.js"

/** Reads all of stdin as text. */
const readAll = async (io: CliIo): Promise<string> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString("utf8")
}

/** Asks on the terminal without echoing what is typed. */
const prompt = (io: CliIo, question: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { stdin } = io
    io.stderr.write(question)
    let typed = ""
    const finish = (error?: Error) => {
      stdin.setRawMode?.(false)
      stdin.pause()
      stdin.off("data", onData)
      io.stderr.write("\n")
      if (error === undefined) resolve(typed)
      else reject(error)
    }
    const onData = (data: Buffer | string) => {
      for (const char of data.toString("utf8")) {
        if (char === "\r" || char === "\n" || char === "\u0004") return finish()
        if (char === "\u0003") return finish(failedError("cancelled"))
        if (char === "\u007f" || char === "\b") typed = [...typed].slice(0, -1).join("")
        else if (char >= " ") typed += char
      }
    }
    stdin.setRawMode?.(true)
    stdin.resume()
    stdin.on("data", onData)
  })

/**
 * A password: with `fromStdin`, everything on stdin minus one trailing line break (`echo "$PW" |
 * coderclaw login --password-stdin`); otherwise asked on the terminal without echo (twice with `confirm`).
 */
export const readPassword = async (
  io: CliIo,
  options: { readonly fromStdin: boolean; readonly confirm?: boolean }
): Promise<string> => {
  if (options.fromStdin) {
    const password = (await readAll(io)).replace(/\r?\n$/, "")
    if (password.length === 0) throw usageError("--password-stdin: stdin held no password")
    return password
  }
  if (io.stdin.isTTY !== true || io.stdin.setRawMode === undefined) {
    throw usageError("no terminal to ask for the password on", "pipe it in with --password-stdin")
  }
  const password = await prompt(io, "Password: ")
  if (password.length === 0) throw usageError("no password given")
  if (options.confirm === true && (await prompt(io, "Repeat the password: ")) !== password) {
    throw usageError("the two passwords differ")
  }
  return password
}
