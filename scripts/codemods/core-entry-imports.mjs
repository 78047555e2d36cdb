#!/usr/bin/env node
// Moves the development adapters' names from `@loopkit/core` imports to `@loopkit/core/dev`
// (memory storage, sandbox payments and login, console messages left the main entry). Rewrites
// static `import { … } from '@loopkit/core'` (or `…/packages/core/src/index.js`) statements in .ts/.tsx/.js/.mjs/.cjs/.md files under
// the given directories (default: the repository), keeping each statement's indentation and layout.
// Usage: node scripts/codemods/core-dev-imports.mjs [dir…]   (idempotent; prints the files changed)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const MOVED = new Set([
  'consoleMessaging',
  'ConsoleMessagingOptions',
  'memoryStorage',
  'MemoryStorageOptions',
  'sandboxIdentity',
  'SandboxIdentity',
  'SandboxIdentityOptions',
  'sandboxPayments',
  'SandboxPayments',
  'SandboxPaymentsOptions',
  'SandboxOperation',
  'SANDBOX_SIGNATURE_HEADER',
])
const SKIP = new Set(['node_modules', 'dist', '.git', '.artifacts', 'reference', 'codemods'])
const EXT = /\.(ts|tsx|js|mjs|cjs|md)$/
// `@loopkit/core`, or the source entry by relative path (the benchmarks import it that way).
const IMPORT =
  /^([ \t]*(?:\*[ \t]*)?)import(\s+type)?\s*\{([^}]*)\}\s*from\s*(['"])(@loopkit\/core|(?:\.\.\/)+packages\/core\/src\/index\.js)\4/gm
const devEntry = (from) =>
  from === '@loopkit/core' ? '@loopkit/core/dev' : from.replace(/index\.js$/, 'dev/index.js')

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
    const moved = specs.filter((s) => MOVED.has(baseName(s)))
    if (moved.length === 0) return whole
    const kept = specs.filter((s) => !MOVED.has(baseName(s)))
    const multiline = body.includes('\n')
    const out = []
    if (kept.length) out.push(statement(indent, !!typeKw, kept, q, from, multiline && kept.length > 3))
    out.push(statement(indent, !!typeKw, moved, q, devEntry(from), multiline && moved.length > 3))
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
