import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createLoop, type Loop } from '@loopkit/core'
import { referralRewards } from '@loopkit/core/plugins'
import { sqliteStorage } from '@loopkit/storage-sqlite'
import type { Hono } from 'hono'
import { generateAdminPassword } from './admin-auth.js'
import { seedCatalog } from './catalog.js'
import { shopApp } from './hono-app.js'
import type { ModeAdapters, ModeInput, StorefrontMode } from './mode.js'
import { listening, listensOnNetwork, publicOrigin } from './network.js'
import { defineNewFollowers } from './new-followers.js'
import { loopPageLayout } from './pages/loop-page.js'
import { sandboxMode } from './sandbox-mode.js'
import { templates } from './templates.js'

export interface StorefrontOptions {
  /** The SQLite file. Default `examples/storefront/.data/storefront.db`. */
  file?: string
  /** Default 3000; `0` picks a free port. */
  port?: number
  /**
   * The interface to listen on. Default `127.0.0.1` (this machine only); `0.0.0.0` lets a phone on
   * the same network open the shop (links and QR codes then carry the LAN address).
   */
  host?: string
  /**
   * The URL people reach the shop at (`https://shop.example`, `http://192.168.1.23:3000`), used in
   * share links, QR codes, posters and the loop's `baseUrl`. Default: derived from `host` and `port`.
   */
  publicUrl?: string
  /** `sandbox` (default) or `wechat-sim` (the WeChat adapters against the local simulator). */
  mode?: StorefrontMode
  /** The loop secret (32+ characters). Default: one generated once and kept next to the database. */
  secret?: string
  /** How often the background dispatcher, order expiry and reward release run. Default 1000 ms. */
  tickMs?: number
  /** The password of `/admin` (HTTP basic auth, user `admin`). Default: a random one, see `Storefront.adminPassword`. */
  adminPassword?: string | null
  /**
   * `wechat-sim` only: the simulated official account's successful mass sends a day (WeChat's 100 by
   * default); past it a mass send is refused (45028) and a campaign falls back to template messages.
   */
  wechatMassSendsPerDay?: number
  /** Where the shop's console lines go (messages printed by the sandbox channel, errors). */
  log?: (line: string) => void
}

export interface Storefront {
  /** The public origin: `http://127.0.0.1:<port>`, the LAN address, or `publicUrl`. */
  url: string
  /** The address the server listens on, e.g. `0.0.0.0:3000`. */
  listen: { host: string; port: number }
  /** Whether other machines can reach it (`host` is not loopback). */
  onNetwork: boolean
  /** The admin password: the one given, or the one generated for this run. */
  adminPassword: string
  /** True when `adminPassword` was generated (and should be printed). */
  adminPasswordGenerated: boolean
  mode: StorefrontMode
  loop: Loop
  /** Stops the background work, the HTTP server and the simulator (if any), and closes the database. */
  close(): Promise<void>
}

export const defaultDataFile = fileURLToPath(new URL('../.data/storefront.db', import.meta.url))

/** The loop secret: given, or generated once and kept beside the database so sessions survive restarts. */
function loadSecret(file: string, given: string | undefined): string {
  if (given) return given
  const path = `${file}.secret`
  try {
    const stored = readFileSync(path, 'utf8').trim()
    if (stored.length >= 32) return stored
  } catch {
    // No secret yet: make one below.
  }
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(path, `${secret}\n`, { mode: 0o600 })
  return secret
}

/** Starts listening first, so that port 0 is resolved before the loop needs its `baseUrl`. */
function listen(
  input: { port: number; host: string },
  handler: (request: Request, env: unknown) => Response | Promise<Response>,
): Promise<Server> {
  const server = serve({ fetch: handler, port: input.port, hostname: input.host }) as Server
  return listening(server, input)
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

async function adaptersFor(mode: StorefrontMode, input: ModeInput): Promise<ModeAdapters> {
  if (mode === 'sandbox') return sandboxMode(input)
  // Loaded on demand: the sandbox shop never imports the WeChat simulator.
  const { wechatSimMode } = await import('./wechat-mode.js')
  return wechatSimMode(input)
}

/**
 * The Nanjing salted-duck shop: a Hono app on Node that mounts `loop.fetch` at `/loop/*` and
 * renders the catalogue, product, checkout, order, messages and admin pages around it. The loop
 * runs on SQLite with referral rewards, and `loop.start()` runs the outbox dispatcher, order
 * expiry and reward release in the background.
 *
 * @example
 * ```ts
 * const shop = await createStorefront({ file: '/tmp/shop.db', port: 0 })
 * console.log(shop.url, shop.adminPassword) // http://127.0.0.1:41234 jX3…
 * await shop.close()
 * ```
 */
export async function createStorefront(options: StorefrontOptions = {}): Promise<Storefront> {
  const file = options.file ?? defaultDataFile
  const mode = options.mode ?? 'sandbox'
  const log = options.log ?? ((line: string) => console.log(line))
  mkdirSync(dirname(file), { recursive: true })
  const secret = loadSecret(file, options.secret)

  let app: Hono | null = null
  // `env` carries Node's `incoming` request, which the loop mount reads the peer address from.
  const host = options.host ?? '127.0.0.1'
  const server = await listen({ port: options.port ?? 3000, host }, (request, env) =>
    app
      ? app.fetch(request, env)
      : new Response('Starting…', { status: 503, headers: { 'retry-after': '1' } }),
  )
  const port = (server.address() as AddressInfo).port
  let origin: string
  try {
    origin = publicOrigin({ host, port, publicUrl: options.publicUrl })
  } catch (error) {
    await closeServer(server)
    throw error
  }
  const adminPassword = options.adminPassword || generateAdminPassword()

  const storage = sqliteStorage({ file })
  let adapters: ModeAdapters | null = null
  let loop: Loop | null = null
  try {
    adapters = await adaptersFor(mode, {
      log,
      origin,
      storage,
      ...(options.wechatMassSendsPerDay !== undefined
        ? { wechat: { massSendsPerDay: options.wechatMassSendsPerDay } }
        : {}),
    })
    loop = createLoop({
      secret,
      baseUrl: `${origin}/loop`,
      // hono-app.ts sets x-forwarded-for to the connecting peer (the payer IP of WeChat H5 payments,
      // and the key of the rate limits): one proxy hop the loop may trust.
      trustProxy: 1,
      storage,
      payments: adapters.payments,
      identity: adapters.identity,
      messaging: adapters.messaging,
      plugins: [
        // 5 % of every referred order, held for 7 days (clawed back on refund), at most ¥200 per sharer.
        referralRewards({
          reward: { type: 'percent', basisPoints: 500 },
          holdMs: 7 * 86_400_000,
          capPerSharer: 20_000,
        }),
        ...adapters.plugins,
      ],
      notifications: { templates: templates(origin) },
      // A share link lands on the product page rather than the loop's default `/?sku=`.
      shares: { target: ({ sku }) => (sku ? `/products/${encodeURIComponent(sku.id)}` : '/') },
      // Loopkit's own pages (a broken share link, the sandbox login and pay pages) in the shop's look.
      pages: { layout: loopPageLayout },
      onError: (error, where) =>
        log(`[storefront] error in ${where}: ${String((error as Error)?.stack ?? error)}`),
    })
    await seedCatalog(loop, origin)
    await defineNewFollowers(loop)
  } catch (error) {
    if (loop) await loop.close()
    else await storage.close?.()
    await adapters?.close()
    await closeServer(server)
    throw error
  }

  const running = { loop, adapters }
  app = shopApp({
    loop,
    origin,
    mode,
    loginProvider: adapters.loginProvider,
    pay: adapters.pay,
    adminPassword,
    channels: adapters.messaging.map((m) => m.id),
    modeRoutes: adapters.routes,
    log,
  })
  loop.start({ intervalMs: options.tickMs ?? 1000 })
  if (adapters.banner) log(adapters.banner)

  return {
    url: origin,
    listen: { host, port },
    onNetwork: listensOnNetwork(host),
    adminPassword,
    adminPasswordGenerated: !options.adminPassword,
    mode,
    loop,
    async close() {
      await running.loop.stop()
      await closeServer(server)
      await running.adapters.close()
      await running.loop.close()
    },
  }
}
