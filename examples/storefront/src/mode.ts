import type {
  IdentityAdapter,
  LoopPlugin,
  MessagingAdapter,
  PaymentAdapter,
  StorageAdapter,
} from '@loopkit/core'
import type { Hono } from 'hono'
import type { PayChoice } from './pay-choices.js'
import type { ShopDeps } from './routes/context.js'

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
  /** The ways to pay the checkout page offers, each naming its provider and per-browser method. */
  pay: PayChoice[]
  /** Pages the mode adds to the shop (the simulator's WeChat authorize page, share posters). */
  routes?: (app: Hono, shop: ShopDeps) => void
  /** A line for the console: where the simulator runs, which test accounts exist. */
  banner?: string
  close(): Promise<void>
}

/** What a mode may use: the console, the shop's origin and the loop's storage (for shared token caches). */
export interface ModeInput {
  log: (line: string) => void
  origin: string
  storage: StorageAdapter
  /** `--wechat` only: the simulated official account's quota of mass sends a day (default 100, WeChat's). */
  wechat?: { massSendsPerDay?: number }
}

/** The mode from the command line (`--wechat`) or `LOOPKIT_MODE`; sandbox by default. */
export function modeFrom(argv: readonly string[], env: NodeJS.ProcessEnv): StorefrontMode {
  if (argv.includes('--wechat')) return 'wechat-sim'
  const fromEnv = env.LOOPKIT_MODE
  if (fromEnv === 'wechat-sim' || fromEnv === 'wechat') return 'wechat-sim'
  if (fromEnv && fromEnv !== 'sandbox') {
    throw new Error(
      `[loopkit] [storefront] Unknown LOOPKIT_MODE \`${fromEnv}\`: use \`sandbox\` or \`wechat-sim\`.`,
    )
  }
  return 'sandbox'
}
