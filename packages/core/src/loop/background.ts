import { loopError } from '../errors.js'

/** One independent piece of background work: run, pause, run again — never two runs at once. */
export interface BackgroundLoop {
  /** Shown in `onError` (`background dispatch`) and used by `wake()`. */
  name: string
  /** The pause after a run, unless the run asks to go again or the loop is woken. */
  intervalMs: number
  /**
   * One pass. Resolve `{ again: true }` when there is more to do right away (a full batch). The
   * signal aborts when the scheduler stops: stop starting new work and hand back what you hold.
   */
  run(signal: AbortSignal): Promise<{ again?: boolean } | undefined>
}

/** The scheduler `loop.start()` runs. */
export interface Background {
  /** Starts every loop; a second call does nothing while running. */
  start(): void
  /**
   * Runs the named loop now: at once if it is pausing, or straight after its current pass.
   * Ignored when stopped or for an unknown name.
   */
  wake(name: string): void
  /**
   * Stops every loop: pauses end at once, no new pass starts, and the returned promise resolves
   * when the passes in flight have ended — or after `stopTimeoutMs`, whatever they are waiting on.
   */
  stop(): Promise<void>
  readonly running: boolean
}

interface Runner {
  loop: BackgroundLoop
  woken: boolean
  finished: boolean
  /** Ends the current pause early. */
  interrupt: (() => void) | null
  done: Promise<void>
}

/**
 * Independent background loops: each on its own schedule, so a dispatcher stuck on a channel never
 * stops orders from expiring, and none of them can keep `stop()` from resolving.
 *
 * @example
 * ```ts
 * const bg = createBackground({
 *   loops: [{ name: 'expiry', intervalMs: 1_000, run: async () => { await expireDue(rt); return {} } }],
 *   stopTimeoutMs: 10_000,
 *   reportError: (error, where) => console.error(where, error),
 * })
 * bg.start()
 * await bg.stop()
 * ```
 */
export function createBackground(input: {
  loops: BackgroundLoop[]
  stopTimeoutMs: number
  reportError(error: unknown, where: string): void
}): Background {
  let controller: AbortController | null = null
  let runners = new Map<string, Runner>()

  async function cycle(runner: Runner, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      runner.woken = false
      let again = false
      try {
        again = (await runner.loop.run(signal))?.again === true
      } catch (error) {
        input.reportError(error, `background ${runner.loop.name}`)
      }
      if (signal.aborted) return
      if (again || runner.woken) {
        // Yield one macrotask so a loop with an endless backlog cannot starve the event loop.
        await new Promise((resolve) => setTimeout(resolve, 0))
        continue
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => end(), runner.loop.intervalMs)
        // The background never keeps a process alive on its own (as `setInterval().unref()` did).
        timer.unref?.()
        const end = () => {
          clearTimeout(timer)
          runner.interrupt = null
          signal.removeEventListener('abort', end)
          resolve()
        }
        runner.interrupt = end
        signal.addEventListener('abort', end, { once: true })
      })
    }
  }

  return {
    get running() {
      return controller !== null
    },
    start() {
      if (controller) return
      const current = new AbortController()
      controller = current
      runners = new Map()
      for (const loop of input.loops) {
        const runner: Runner = {
          loop,
          woken: false,
          finished: false,
          interrupt: null,
          done: Promise.resolve(),
        }
        runner.done = cycle(runner, current.signal).then(() => {
          runner.finished = true
        })
        runners.set(loop.name, runner)
      }
    },
    wake(name) {
      const runner = controller ? runners.get(name) : undefined
      if (!runner) return
      runner.woken = true
      runner.interrupt?.()
    },
    async stop() {
      const current = controller
      if (!current) return
      controller = null
      current.abort()
      let timer: ReturnType<typeof setTimeout> | undefined
      const bound = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), input.stopTimeoutMs)
      })
      const passes = Promise.all([...runners.values()].map((r) => r.done)).then(() => 'done' as const)
      const how = await Promise.race([passes, bound])
      clearTimeout(timer)
      if (how === 'timeout') {
        const stuck = [...runners.values()].filter((r) => !r.finished).map((r) => r.loop.name)
        input.reportError(
          loopError(
            'background',
            'timeout',
            `stop() stopped waiting after ${input.stopTimeoutMs} ms for: ${stuck.join(', ')}.`,
          ),
          'background stop',
        )
      }
    },
  }
}
