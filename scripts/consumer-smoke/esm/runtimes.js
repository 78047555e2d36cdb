// The whole loop on memory storage from the tarball's @loopkit/core, run by Deno and Bun (and Node):
// core needs only Web APIs, so any runtime with fetch's Request/Response runs it.
import * as core from '@loopkit/core'
import * as dev from '@loopkit/core/dev'
import scenario from '../scenario.cjs'

const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.version}`
const loop = core.createLoop({
  secret: 'smoke-secret-smoke-secret-smoke-secret-1',
  baseUrl: 'http://shop.test/loop',
  storage: dev.memoryStorage(),
  payments: [dev.sandboxPayments()],
  identity: [dev.sandboxIdentity()],
  messaging: [dev.consoleMessaging({ log: () => {} })],
})
await loop.catalog.put({
  id: 'duck',
  title: 'Duck',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 5,
  active: true,
})
await scenario.wholeLoop(loop, loop.fetch)
console.log(`${runtime}: whole loop on memory storage from the tarball ok`)
