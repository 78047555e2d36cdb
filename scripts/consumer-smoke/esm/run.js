import * as core from '@loopkit/core'
import * as dev from '@loopkit/core/dev'
import * as node from '@loopkit/core/node'
import * as sqlite from '@loopkit/storage-sqlite'
import scenario from '../scenario.cjs'

await scenario.run({ core, dev, node, sqlite })
console.log(`esm: whole loop on SQLite from the tarballs ok (node ${process.version})`)
