#!/usr/bin/env node
// Moves names that left `@loopkit/core`'s main entry (issue #14's size budget) to their subpath
// entries: the development adapters to `@loopkit/core/dev`, the bundled plugins to
// `@loopkit/core/plugins`, the adapter authors' rules to `@loopkit/core/kit`. Rewrites static `import { … } from '@loopkit/core'` (or
// `…/packages/core/src/index.js`, as the benchmarks import it) in .ts/.tsx/.js/.mjs/.cjs/.md files
// under the given directories (default: the repository), JSDoc examples included, keeping each
// statement's indentation and layout. Idempotent: re-run it after merging a branch that still
// imports a moved name from the main entry.
// Usage: node scripts/codemods/core-entry-imports.mjs [dir…]   (prints the files it changed)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Each moved name (value or type) and the subpath entry it lives in now. */
const MOVED = {
  consoleMessaging: 'dev',
  ConsoleMessagingOptions: 'dev',
  devDefaults: 'dev',
  memoryStorage: 'dev',
  MemoryStorageOptions: 'dev',
  sandboxIdentity: 'dev',
  SandboxIdentity: 'dev',
  SandboxIdentityOptions: 'dev',
  sandboxPayments: 'dev',
  SandboxPayments: 'dev',
  SandboxPaymentsOptions: 'dev',
  SandboxOperation: 'dev',
  SANDBOX_SIGNATURE_HEADER: 'dev',
  referralRewards: 'plugins',
  ReferralRewardsOptions: 'plugins',
  RewardRule: 'plugins',
  AnswerSource: 'kit',
  answerSchema: 'kit',
  parseAnswer: 'kit',
  Bucket: 'kit',
  bucketRefillMs: 'kit',
  bucketRetryAfterMs: 'kit',
  takeFromBucket: 'kit',
  applyConsentChange: 'kit',
  ConsentChange: 'kit',
  ActivityChange: 'kit',
  ActivityFields: 'kit',
  applyActivity: 'kit',
  mergeActivity: 'kit',
  CustomerMerge: 'kit',
  chooseSurvivor: 'kit',
  mergeCustomers: 'kit',
  countedOrderStatuses: 'kit',
  OrderRfm: 'kit',
  orderRfm: 'kit',
  rfmDelta: 'kit',
  checkDelta: 'kit',
  checkLimit: 'kit',
  checkStock: 'kit',
}
const SKIP = new Set(['node_modules', 'dist', '.git', '.artifacts', 'reference', 'codemods'])
const EXT = /\.(ts|tsx|js|mjs|cjs|md)$/
const IMPORT =
  /^([ \t]*(?:\*[ \t]*)?)import(\s+type)?\s*\{([^}]*)\}\s*from\s*(['"])(@loopkit\/core|(?:\.\.\/)+packages\/core\/src\/index\.js)\4/gm
const entryOf = (from, sub) =>
  from === '@loopkit/core' ? `@loopkit/core/${sub}` : from.replace(/index\.js$/, `${sub}/index.js`)

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else if (EXT.test(name)) yield path
  }
}

const baseName = (spec) =>
  spec
    .replace(/^type\s+/, '')
    .split(/\s+as\s+/)[0]
    .trim()

function statement(indent, typeOnly, specs, q, from, multiline) {
  // A group of type-only names becomes an `import type` (what biome's useImportType asks for).
  if (!typeOnly && specs.every((s) => s.startsWith('type '))) {
    typeOnly = true
    specs = specs.map((s) => s.replace(/^type\s+/, ''))
  }
  const head = `${indent}import${typeOnly ? ' type' : ''} {`
  const tail = `} from ${q}${from}${q}`
  if (!multiline) return `${head} ${specs.join(', ')} ${tail}`
  return `${head}\n${specs.map((s) => `${indent}  ${s},`).join('\n')}\n${indent}${tail}`
}

function rewrite(text) {
  return text.replace(IMPORT, (whole, indent, typeKw, body, q, from) => {
    const specs = body
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (!specs.some((s) => MOVED[baseName(s)])) return whole
    const groups = new Map([['', []]])
    for (const spec of specs) {
      const sub = MOVED[baseName(spec)] ?? ''
      if (!groups.has(sub)) groups.set(sub, [])
      groups.get(sub).push(spec)
    }
    const multiline = body.includes('\n')
    const out = []
    for (const [sub, list] of groups) {
      if (list.length === 0) continue
      const target = sub ? entryOf(from, sub) : from
      out.push(statement(indent, !!typeKw, list, q, target, multiline && list.length > 3))
    }
    return out.join('\n')
  })
}

const roots = process.argv.slice(2)
for (const root of roots.length ? roots : ['.']) {
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8')
    if (!text.includes('@loopkit/core') && !text.includes('packages/core/src/index.js')) continue
    const next = rewrite(text)
    if (next !== text) {
      writeFileSync(file, next)
      console.log(file)
    }
  }
}
