import { createStorefront } from './app.js'
import { modeFrom } from './mode.js'
import { lanAddress, PortInUseError } from './network.js'

// `pnpm demo` (or `pnpm --filter @loopkit/example-storefront start [-- --wechat]`).
const fail = (message: string, code = 1): never => {
  console.error(message)
  process.exit(code)
}

const port = process.env.PORT ? Number(process.env.PORT) : 3000
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  fail(`[storefront] PORT must be a port number (0–65535), not \`${process.env.PORT}\`.`)
}
const host = process.env.HOST || '127.0.0.1'
const publicUrl = process.env.PUBLIC_URL || undefined
if (publicUrl && !URL.canParse(publicUrl)) {
  fail(`[storefront] PUBLIC_URL must be a URL such as http://192.168.1.23:3000, not \`${publicUrl}\`.`)
}

let shop: Awaited<ReturnType<typeof createStorefront>>
try {
  shop = await createStorefront({
    port,
    host,
    ...(publicUrl ? { publicUrl } : {}),
    mode: modeFrom(process.argv.slice(2), process.env),
    ...(process.env.STOREFRONT_DB ? { file: process.env.STOREFRONT_DB } : {}),
    ...(process.env.LOOPKIT_SECRET ? { secret: process.env.LOOPKIT_SECRET } : {}),
    adminPassword: process.env.STOREFRONT_ADMIN_PASSWORD || null,
  })
} catch (error) {
  // A busy port is an everyday mistake (a demo still running): one line, no stack.
  if (error instanceof PortInUseError) fail(error.message)
  throw error
}

console.log(`Loopkit storefront: ${shop.url}/`)
if (shop.onNetwork) {
  const lan = lanAddress()
  console.log(
    `Listening on ${shop.listen.host}:${shop.listen.port}; on your network: ${lan ? `http://${lan}:${shop.listen.port}/` : 'no LAN address found'}`,
  )
  if (!publicUrl) console.log('Links and QR codes use that address; set PUBLIC_URL to use another.')
} else {
  console.log(
    'Only this machine can open it: HOST=0.0.0.0 pnpm demo lets a phone on your Wi-Fi scan the QR codes.',
  )
}
console.log(
  shop.adminPasswordGenerated
    ? `Admin: ${shop.url}/admin  user admin, password ${shop.adminPassword} (new each start; set STOREFRONT_ADMIN_PASSWORD to keep one)`
    : `Admin: ${shop.url}/admin  user admin, password from STOREFRONT_ADMIN_PASSWORD`,
)
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
