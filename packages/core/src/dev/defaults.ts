import { consoleMessaging } from '../adapters/console-messaging.js'
import { memoryStorage } from '../adapters/memory-storage/index.js'
import { sandboxIdentity } from '../adapters/sandbox-identity.js'
import { sandboxPayments } from '../adapters/sandbox-payments.js'
import type { StorageAdapter } from '../contracts/storage.js'

/** Options of {@link devDefaults}. */
export interface DevDefaultsOptions {
  /** The clock of the sandbox adapters (pass the loop's `now` when a test controls time). */
  now?: () => number
  /** Where console messages go. Default `console.log`; `() => {}` keeps tests quiet. */
  log?: (line: string) => void
}

/** What {@link devDefaults} returns: the development adapters, ready to spread into `createLoop`. */
export interface DevDefaults {
  /** A fresh {@link memoryStorage}. */
  storage: StorageAdapter
  /** One {@link sandboxPayments}: a pay page and signed webhooks, no money moves. */
  payments: [ReturnType<typeof sandboxPayments>]
  /** One {@link sandboxIdentity}: a login page where any name logs in. */
  identity: [ReturnType<typeof sandboxIdentity>]
  /** One {@link consoleMessaging}: every message printed, and recorded in `sent`. */
  messaging: [ReturnType<typeof consoleMessaging>]
}

/**
 * The development adapters in one call: memory storage, the sandbox payment provider and login,
 * and console messages. `createLoop` has no defaults of its own (it never fakes payments or
 * storage by omission), so a development loop spreads these first and overrides what it has:
 *
 * @example
 * ```ts
 * import { createLoop } from '@loopkit/core'
 * import { devDefaults } from '@loopkit/core/dev'
 *
 * const loop = createLoop({
 *   ...devDefaults(),
 *   secret: 'dev-secret-dev-secret-dev-secret-0001',
 *   baseUrl: 'http://127.0.0.1:3000/loop',
 * })
 * ```
 */
export function devDefaults(options: DevDefaultsOptions = {}): DevDefaults {
  const { now, log } = options
  return {
    storage: memoryStorage(),
    payments: [sandboxPayments(now ? { now } : {})],
    identity: [sandboxIdentity(now ? { now } : {})],
    messaging: [consoleMessaging(log ? { log } : {})],
  }
}
