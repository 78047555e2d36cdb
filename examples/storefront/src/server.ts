import { createStorefront } from './app.js'
import { modeFrom } from './mode.js'

// `pnpm demo` (or `pnpm --filter @loopkit/example-storefront start [-- --wechat]`).
const port = process.env.PORT ? Number(process.env.PORT) : 3000
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`[loopkit] [storefront] PORT must be a port number, not \`${process.env.PORT}\`.`)
  process.exit(1)
}

const shop = await createStorefront({
  port,
  mode: modeFrom(process.argv.slice(2), process.env),
  ...(process.env.STOREFRONT_DB ? { file: process.env.STOREFRONT_DB } : {}),
  ...(process.env.LOOPKIT_SECRET ? { secret: process.env.LOOPKIT_SECRET } : {}),
  adminPassword: process.env.STOREFRONT_ADMIN_PASSWORD ?? null,
})
console.log(`Loopkit storefront: ${shop.url}/`)
if (shop.mode !== 'sandbox') console.log(`Mode: ${shop.mode}`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1) // a second Ctrl-C does not wait
    stopping = true
    shop.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  })
}
