import type { Runtime } from '../loop/runtime.js'
import { type DispatchResult, startPass } from './dispatch.js'

/**
 * The background dispatcher's run: while there is a backlog (every claim comes back full) it keeps
 * up to `batchSize` rows in flight, claiming more as soon as half of them have ended instead of
 * waiting for a whole batch (whose slowest send would set the pace). It ends when a claim comes
 * back short and its rows are recorded. On abort it stops claiming; rows not yet sent are handed
 * back, and it resolves when the rest are recorded.
 */
export async function dispatchUntilIdle(
  rt: Runtime,
  input: { signal: AbortSignal },
): Promise<DispatchResult> {
  const limit = rt.config.dispatch.batchSize
  const total: DispatchResult = { claimed: 0, sent: 0, retried: 0, dead: 0, released: 0, skipped: 0 }
  const passes: Promise<void>[] = []
  let unfinished = 0
  let progressed: (() => void) | null = null
  const onOutcome = () => {
    unfinished--
    progressed?.()
  }
  const progress = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        progressed = null
        input.signal.removeEventListener('abort', done)
        resolve()
      }
      progressed = done
      input.signal.addEventListener('abort', done, { once: true })
    })
  let failure: unknown = null
  try {
    while (!input.signal.aborted) {
      const want = limit - unfinished
      const pass = await startPass(rt, { limit: want, signal: input.signal, onOutcome })
      unfinished += pass.claimed
      passes.push(
        pass.done.then((r) => {
          for (const k of ['claimed', 'sent', 'retried', 'dead', 'released', 'skipped'] as const)
            total[k] += r[k]
        }),
      )
      // A claim that got less than it asked for has drained what is due: finish and let the
      // background loop pause until its timer or the next committed row wakes it.
      const drained = pass.claimed < want
      const target = drained ? 0 : Math.floor(limit / 2)
      while (unfinished > target && !input.signal.aborted) await progress()
      if (drained) break
    }
  } catch (error) {
    failure = error
  }
  await Promise.all(passes)
  if (failure) throw failure
  return total
}
