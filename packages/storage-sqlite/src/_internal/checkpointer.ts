import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'

/** Commits between two background checkpoints, at most (fewer when they are far apart in time). */
export const COMMITS_PER_CHECKPOINT = 16
/** A commit this long after the last checkpoint asks for the next one whatever the count. */
export const CHECKPOINT_INTERVAL_MS = 200

// The checkpointing thread: its own connection to the same file, asked to run a PASSIVE checkpoint
// (copy committed WAL pages into the database file without waiting for, or blocking, any reader or
// writer) and to answer with what it did. Plain CommonJS evaluated in the worker: no file of its own
// to resolve, bundle or transpile. The driver is the one this package loaded, by absolute path.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs)
db.pragma('synchronous = ' + workerData.synchronous)
db.pragma('wal_autocheckpoint = 0')
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed })
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) })
  }
})
parentPort.postMessage({ ok: true, ready: true })
`

/** What a background checkpoint reported (frames are WAL pages). */
export interface CheckpointReport {
  ok: boolean
  busy?: number
  log?: number
  checkpointed?: number
  message?: string
}

export interface Checkpointer {
  /** Called after every commit of the connection: asks for a checkpoint when one is due. */
  afterCommit(): void
  /** Settles when no checkpoint is running (tests, benchmarks). */
  idle(): Promise<void>
  /** Stops the thread (its connection closed); the connection checkpoints inline again. */
  close(): Promise<void>
  /** True while checkpoints run in the thread (false after a failure or `close`). */
  readonly active: boolean
}

/**
 * Moves WAL checkpoints off the event loop. SQLite checkpoints inside the commit that takes the WAL
 * past `wal_autocheckpoint` pages: that commit copies ~1,000 pages into the database file and syncs
 * it, on the thread that serves requests. Here the connection's automatic checkpoints are off, and
 * a worker thread with its own connection runs a PASSIVE checkpoint every
 * {@link COMMITS_PER_CHECKPOINT} commits or {@link CHECKPOINT_INTERVAL_MS} ms, one at a time. No
 * commit is less durable: a checkpoint only copies pages that are already committed in the WAL.
 *
 * If the thread cannot start or a checkpoint fails, the connection goes back to checkpointing
 * inline (its old `wal_autocheckpoint`), and `onError` hears why.
 */
export function backgroundCheckpointer(input: {
  raw: BetterSqlite3.Database
  file: string
  synchronous: 'full' | 'normal'
  busyTimeoutMs: number
  onError?: (error: Error) => void
}): Checkpointer {
  const { raw } = input
  const inlinePages = raw.pragma('wal_autocheckpoint', { simple: true }) as number
  raw.pragma('wal_autocheckpoint = 0')
  let worker: Worker | null = null
  let active = true
  let running = false
  let commits = 0
  let last = Date.now()
  let waiters: Array<() => void> = []

  const settle = () => {
    running = false
    const w = waiters
    waiters = []
    for (const resolve of w) resolve()
  }

  const fail = (error: Error) => {
    if (!active) return
    active = false
    if (raw.open) raw.pragma(`wal_autocheckpoint = ${inlinePages}`)
    worker?.terminate().catch(() => {})
    worker = null
    settle()
    input.onError?.(error)
  }

  const start = (): Worker => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const w = new Worker(WORKER, {
      eval: true,
      workerData: {
        driver,
        file: input.file,
        synchronous: input.synchronous.toUpperCase(),
        busyTimeoutMs: input.busyTimeoutMs,
      },
    })
    // The thread never keeps the process alive: an app that forgets `close()` still exits.
    w.unref()
    w.on('message', (m: CheckpointReport & { ready?: boolean }) => {
      if (m.ready) return
      if (!m.ok) return fail(new Error(`Background checkpoint failed: ${m.message}`))
      settle()
    })
    w.on('error', (error) => fail(error))
    w.on('exit', (code) => {
      if (active && code !== 0) fail(new Error(`The checkpoint thread exited with code ${code}.`))
    })
    return w
  }

  return {
    get active() {
      return active
    },
    afterCommit() {
      if (!active) return
      commits++
      if (running) return
      const now = Date.now()
      if (commits < COMMITS_PER_CHECKPOINT && now - last < CHECKPOINT_INTERVAL_MS) return
      commits = 0
      last = now
      running = true
      try {
        worker ??= start()
        worker.postMessage('checkpoint')
      } catch (error) {
        fail(error as Error)
      }
    },
    idle() {
      if (!running) return Promise.resolve()
      return new Promise<void>((resolve) => waiters.push(resolve))
    },
    async close() {
      if (!active) return
      active = false
      const w = worker
      worker = null
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${inlinePages}`)
      settle()
      if (!w) return
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      w.postMessage('close')
      // A checkpoint in progress finishes first; a thread that does not exit soon is stopped.
      const timer = setTimeout(() => w.terminate().catch(() => {}), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
