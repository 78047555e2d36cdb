// Segments over a large customer pool (issue #10): counting a realistic segment and paging through
// all of its members, through the storage adapter (the filter compiled to SQL) against a
// hand-written SQL query giving the same answer, on SQLite and PostgreSQL, in the same run.
//
//   node --conditions=@loopkit/source --import tsx bench/run.ts audience
//
// BENCH_CUSTOMERS (default 1,000,000) shrinks the pool for a quick run; BENCH_AUDIENCE_DB=sqlite or
// postgres runs one side only. The pool is generated inside the database (customers, identities
// and per-customer order aggregates, as the adapters keep them); see bench/audience/pool.ts.
import { type AudienceSide, SEGMENT } from './audience/pool.js'
import { postgresSides } from './audience/postgres.js'
import { sqliteSides } from './audience/sqlite.js'

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000)
const only = process.env.BENCH_AUDIENCE_DB
const PAGE = 1000
const ROUNDS = 3

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now()
  const value = await fn()
  return { ms: performance.now() - t, value }
}

async function pageAll(side: AudienceSide): Promise<string[]> {
  const ids: string[] = []
  let after: string | null = null
  do {
    const page: { ids: string[]; next: string | null } = await side.page(after, PAGE)
    ids.push(...page.ids)
    after = page.next
  } while (after !== null)
  return ids
}

/** Alternates the two sides ROUNDS times (so neither always runs on a warmer cache); medians. */
async function compare(name: string, loopkit: AudienceSide, baseline: AudienceSide): Promise<void> {
  const counts = { loopkit: [] as number[], baseline: [] as number[] }
  const pages = { loopkit: [] as number[], baseline: [] as number[] }
  let answer: { count: number; ids: string[] } | null = null
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, side] of [
      ['baseline', baseline],
      ['loopkit', loopkit],
    ] as const) {
      const c = await timed(() => side.count())
      const p = await timed(() => pageAll(side))
      counts[label].push(c.ms)
      pages[label].push(p.ms)
      if (c.value !== p.value.length)
        throw new Error(`${name} ${label}: count ${c.value} ≠ ${p.value.length} paged`)
      if (!answer) answer = { count: c.value, ids: p.value }
      else if (answer.count !== c.value || answer.ids.join() !== p.value.join())
        throw new Error(`${name}: ${label} answers differently from the other side`)
    }
  }
  const row = (what: string, l: number[], b: number[]) =>
    console.log(
      `${name} ${what}: loopkit ${median(l).toFixed(1)} ms, hand-written SQL ${median(b).toFixed(1)} ms, ratio baseline/loopkit ${(median(b) / median(l)).toFixed(2)} (target >= 0.8)`,
    )
  console.log(
    `${name}: ${N.toLocaleString('en')} customers, segment of ${answer!.count.toLocaleString('en')} members`,
  )
  row('count', counts.loopkit, counts.baseline)
  row(`full paging (${PAGE}/page, ${Math.ceil(answer!.count / PAGE)} pages)`, pages.loopkit, pages.baseline)
}

export default async function run(): Promise<void> {
  console.log(`segment: ${JSON.stringify(SEGMENT)}`)
  if (only !== 'postgres') {
    const sqlite = await sqliteSides(N)
    try {
      await compare('SQLite', sqlite.loopkit, sqlite.baseline)
    } finally {
      await sqlite.close()
    }
  }
  if (only !== 'sqlite') {
    const pg = await postgresSides(N)
    try {
      await compare('PostgreSQL', pg.loopkit, pg.baseline)
    } finally {
      await pg.close()
    }
  }
}
