// require() of the ESM-only packages: Node ≥ 20.19 / ≥ 22.12 load them synchronously.
const core = require('@loopkit/core')
const dev = require('@loopkit/core/dev')
const node = require('@loopkit/core/node')
const sqlite = require('@loopkit/storage-sqlite')
const { run } = require('../scenario.cjs')

run({ core, dev, node, sqlite }).then(() =>
  console.log(`cjs: whole loop on SQLite from the tarballs ok (node ${process.version})`),
)
