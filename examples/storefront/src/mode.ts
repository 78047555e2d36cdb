import type { IdentityAdapter, LoopPlugin, MessagingAdapter, PaymentAdapter } from '@loopkit/core'

/** How the shop logs buyers in, takes payments and messages them. */
export type StorefrontMode = 'sandbox' | 'wechat-sim'

/** The adapters of one mode, plus whatever the mode started (a simulator) to stop on close. */
export interface ModeAdapters {
  mode: StorefrontMode
  /** The identity provider id used in `/loop/login/:provider`. */
  loginProvider: string
  payments: PaymentAdapter[]
  identity: IdentityAdapter[]
  messaging: MessagingAdapter[]
  plugins: LoopPlugin[]
  /** A line for the console: where the simulator runs, which test accounts exist. */
  banner?: string
  close(): Promise<void>
}

/** The mode from the command line (`--wechat`) or `LOOPKIT_MODE`; sandbox by default. */
export function modeFrom(argv: readonly string[], env: NodeJS.ProcessEnv): StorefrontMode {
  if (argv.includes('--wechat')) return 'wechat-sim'
  const fromEnv = env.LOOPKIT_MODE
  if (fromEnv === 'wechat-sim' || fromEnv === 'wechat') return 'wechat-sim'
  if (fromEnv && fromEnv !== 'sandbox') {
    throw new Error(`[loopkit] [storefront] Unknown LOOPKIT_MODE \`${fromEnv}\`: use \`sandbox\` or \`wechat-sim\`.`)
  }
  return 'sandbox'
}
