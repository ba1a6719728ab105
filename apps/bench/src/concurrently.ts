/** Runs `task` `count` times with at most `width` runs outstanding at once (a closed loop of `width` workers). */
export const concurrently = async (count: number, width: number, task: () => Promise<void>): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker))
}
