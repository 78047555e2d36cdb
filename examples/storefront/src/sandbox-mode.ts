import { consoleMessaging, sandboxIdentity, sandboxPayments } from '@loopkit/core'
import type { ModeAdapters, ModeInput } from './mode.js'

/**
 * The default mode: Loopkit's sandbox login page (type any name), sandbox pay page (one button) and
 * messages printed to the console. No credentials, nothing leaves the machine.
 */
export function sandboxMode(options: Pick<ModeInput, 'log'>): ModeAdapters {
  return {
    mode: 'sandbox',
    loginProvider: 'sandbox',
    payments: [sandboxPayments()],
    identity: [sandboxIdentity()],
    messaging: [consoleMessaging({ log: options.log })],
    plugins: [],
    payMethod: null,
    async close() {},
  }
}
