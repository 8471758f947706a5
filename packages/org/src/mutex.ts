/** A FIFO async lock: `run` waits for every earlier holder, then runs `task` alone. */
export interface Mutex {
  run<T>(task: () => Promise<T>): Promise<T>
}

/** Creates a {@link Mutex}. Used so a Composite request's sub-requests never interleave with others. */
export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task)
      tail = result.catch(() => undefined)
      return result
    },
  }
}
