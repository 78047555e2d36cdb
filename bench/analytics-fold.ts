// The analytics fold as a deployment runs it next to a sale, for the flash-sale benches: first
// caught up (a running shop's fold is), then what `loop.start()`'s 'analytics' loop does — a pass of
// 10 batches of 1,000 events taking at most `analytics.foldShare` of the time while behind (0.05 by
// default), the next pass at once while it is behind, else after `background.analyticsIntervalMs`
// (1 s). Only the fold: the other background loops would change the sale's work (the dispatcher
// would deliver its outbox).
//
// `foldInProcess(storage)` runs it in the sale's process; `foldInAnotherProcess(target)` spawns
// bench/analytics-fold-process.ts, a second instance on the same store, folding with share 1 (it
// serves no checkouts).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { foldRollups, type StorageAdapter } from '../packages/core/src/index.js'

/** Where the second instance finds the sale's store. */
export type FoldTarget = { sqlite: string } | { postgres: { connectionString: string; schema: string } }

/** Runs the fold loop until the returned function is called (which resolves with the events folded meanwhile). */
export async function foldInProcess(storage: StorageAdapter, share = 0.05): Promise<() => Promise<number>> {
  await foldRollups({ storage })
  let stop = false
  let folded = 0
  let wake = () => {}
  const aborted = new AbortController()
  const running = (async () => {
    while (!stop) {
      const pass = await foldRollups({ storage, maxBatches: 10, share, signal: aborted.signal })
      folded += pass.folded
      if (pass.folded < 10_000 && !stop)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 1000)
        })
    }
  })()
  return async () => {
    stop = true
    aborted.abort()
    wake()
    await running
    return folded
  }
}

/** The same fold loop in a child process on the same store; resolves once it has caught up. */
export async function foldInAnotherProcess(target: FoldTarget): Promise<() => Promise<number>> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@loopkit/source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./analytics-fold-process.ts', import.meta.url)),
    ],
    {
      env: { ...process.env, LOOPKIT_FOLD_WORKER: JSON.stringify(target) },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  while (!out.includes('ready\n')) {
    const [code] = await Promise.race([once(child, 'exit'), once(child.stdout!, 'data')])
    if (typeof code === 'number' || code === null) throw new Error(`fold process exited: ${out}`)
  }
  return async () => {
    child.stdin!.write('stop\n')
    await once(child, 'exit')
    const line = out.split('\n').find((l) => l.startsWith('{'))
    return line ? (JSON.parse(line) as { folded: number }).folded : 0
  }
}
