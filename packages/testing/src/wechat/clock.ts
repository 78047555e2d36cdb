/**
 * The simulators' clock. Time runs at `timeScale` × real time (0 freezes it) plus whatever
 * `advance()` adds, so a 24-hour callback retry schedule runs in milliseconds of a test.
 */
export interface SimulatorClock {
  /** Milliseconds since the epoch, simulated. */
  now(): number
  /** Moves simulated time forward and runs (and awaits) everything that fell due. */
  advance(ms: number): Promise<void>
  /** Runs `task` once simulated time reaches `at`. */
  schedule(at: number, task: () => Promise<void>): void
  /** Awaits every task that is running now. */
  idle(): Promise<void>
  /** Simulated time of the next scheduled task, or null. */
  nextAt(): number | null
  stop(): void
}

/**
 * A {@link SimulatorClock}; `wechatSimulator()` makes one and shares it between its parts.
 *
 * @example
 * ```ts
 * const clock = createSimulatorClock({ timeScale: 0 })
 * clock.schedule(clock.now() + 15_000, async () => retry())
 * await clock.advance(15_000) // runs retry()
 * ```
 */
export function createSimulatorClock(options: { start?: number; timeScale?: number } = {}): SimulatorClock {
  const start = options.start ?? Date.now()
  const timeScale = options.timeScale ?? 1
  const realStart = performance.now()
  let offset = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const tasks: { at: number; task: () => Promise<void> }[] = []
  const running = new Set<Promise<void>>()

  const now = () => Math.floor(start + (performance.now() - realStart) * timeScale + offset)

  const arm = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    const next = tasks[0]
    if (stopped || timeScale <= 0 || !next) return
    const delay = Math.min(Math.max(0, (next.at - now()) / timeScale), 2 ** 31 - 1)
    timer = setTimeout(() => void pump(), delay)
    timer.unref?.()
  }

  // Due tasks run one after another, in due order, so deliveries stay deterministic.
  const pump = async (): Promise<void> => {
    while (!stopped && tasks[0] && tasks[0].at <= now()) {
      const { task } = tasks.shift()!
      const p = task().catch(() => undefined)
      running.add(p)
      try {
        await p
      } finally {
        running.delete(p)
      }
    }
    arm()
  }

  return {
    now,
    async advance(ms) {
      offset += ms
      await pump()
      await Promise.all([...running])
    },
    schedule(at, task) {
      const i = tasks.findIndex((t) => t.at > at)
      tasks.splice(i === -1 ? tasks.length : i, 0, { at, task })
      if (at <= now()) queueMicrotask(() => void pump())
      else arm()
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running])
    },
    nextAt: () => tasks[0]?.at ?? null,
    stop() {
      stopped = true
      tasks.length = 0
      if (timer) clearTimeout(timer)
    },
  }
}
