import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'

/** Commits between two background checkpoints, at most (fewer when they are far apart in time). */
export const COMMITS_PER_CHECKPOINT = 16
/** A commit this long after the last checkpoint asks for the next one whatever the count. */
export const CHECKPOINT_INTERVAL_MS = 200

// The checkpointing thread: its own connection to the same file, asked to run a PASSIVE checkpoint
// (copy committed WAL pages into the database file without waiting for, or blocking, any reader or
// writer) on message 0, and to close on 1; it answers each checkpoint with null, or why it failed.
// Plain CommonJS evaluated in the worker (kept short: it ships as a string, unminified), so there is
// no file of its own to resolve, bundle or transpile. The driver is this package's, by absolute path.
const WORKER = `const{parentPort:p,workerData:w}=require('node:worker_threads');\
const db=new(require(w.driver))(w.file);for(const x of w.pragmas)db.pragma(x);\
p.on('message',m=>{if(m)return db.close(),p.close();\
try{db.pragma('wal_checkpoint(PASSIVE)');p.postMessage(null)}catch(e){p.postMessage(String(e))}})`

export interface Checkpointer {
  /** Called after every commit of the connection: asks for a checkpoint when one is due. */
  afterCommit(): void
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

  const fail = (error: Error) => {
    if (!active) return
    active = false
    if (raw.open) raw.pragma(`wal_autocheckpoint = ${inlinePages}`)
    worker?.terminate().catch(() => {})
    worker = null
    input.onError?.(error)
  }

  const start = (): Worker => {
    const w = new Worker(WORKER, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: input.file,
        pragmas: [
          `busy_timeout=${input.busyTimeoutMs}`,
          `synchronous=${input.synchronous}`,
          'wal_autocheckpoint=0',
        ],
      },
    })
    // One answer per checkpoint: null when it ran, else why it failed.
    w.on('message', (failure: string | null) => {
      running = false
      if (failure !== null) fail(new Error(`Background checkpoint failed: ${failure}`))
    })
    w.on('error', fail)
    w.on('exit', (code) => {
      if (active && code !== 0) fail(new Error(`The checkpoint thread exited (${code}).`))
    })
    // The thread never keeps the process alive: an app that forgets `close()` still exits. After the
    // listeners: adding a 'message' listener refs the worker's port again.
    w.unref()
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
        worker.postMessage(0)
      } catch (error) {
        fail(error as Error)
      }
    },
    async close() {
      if (!active) return
      active = false
      const w = worker
      worker = null
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${inlinePages}`)
      if (!w) return
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      w.postMessage(1)
      // A checkpoint in progress finishes first; a thread that does not exit soon is stopped.
      const timer = setTimeout(() => w.terminate().catch(() => {}), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
