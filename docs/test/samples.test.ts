import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkSamples, docPages, extractSamples, ROOT, type Sample } from './_samples.js'

const pages = docPages()
const samples: Sample[] = pages.flatMap((page) =>
  extractSamples(page, readFileSync(join(ROOT, page), 'utf8')),
)

describe('code samples in docs/', () => {
  it('every ```ts block of every page type-checks against the real packages', () => {
    expect(samples.filter((s) => !s.nocheck).length).toBeGreaterThan(20)
    const problems = checkSamples(samples)
    expect(problems.map((p) => `${p.where}: ${p.message}`)).toEqual([])
  })

  it('keeps `ts nocheck` blocks rare (at most one in ten)', () => {
    const skipped = samples.filter((s) => s.nocheck)
    expect(skipped.length * 10, skipped.map((s) => `${s.page}:${s.line}`).join(', ')).toBeLessThanOrEqual(
      samples.length,
    )
  })
})

describe('the sample checker itself', () => {
  const page = 'docs/checker-self-test.md'

  it('reports a type error at its line in the page', () => {
    const md = [
      '# Title',
      '',
      '```ts',
      "import { formatMinor } from '@loopkit/core'",
      'const display: number = formatMinor(8800, "CNY")',
      '```',
    ].join('\n')
    const problems = checkSamples(extractSamples(page, md))
    expect(problems).toHaveLength(1)
    expect(problems[0]!.where).toBe(`${page}:5`)
    expect(problems[0]!.message).toMatch(/not assignable to type 'number'/)
  })

  it('reports an import of something a package does not export', () => {
    const md = "```ts\nimport { createLoopp } from '@loopkit/core'\n```\n"
    const problems = checkSamples(extractSamples(page, md))
    expect(problems.map((p) => p.message).join()).toMatch(/createLoopp/)
  })

  it('skips `ts nocheck` blocks and ignores other languages', () => {
    const md =
      '```ts nocheck\nconst x: number = "no"\n```\n\n```js\nconst y = 1\n```\n\n```sh\npnpm docs\n```\n'
    const found = extractSamples(page, md)
    expect(found).toHaveLength(1)
    expect(found[0]!.nocheck).toBe(true)
    expect(checkSamples(found)).toEqual([])
  })

  it('lets a block import a titled block of the same page', () => {
    const md = [
      '```ts title=lib/price.ts',
      'export const price = 8800',
      '```',
      '',
      '```ts title=app/use.ts',
      "import { price } from '../lib/price.js'",
      'const wrong: string = price',
      '```',
    ].join('\n')
    const problems = checkSamples(extractSamples(page, md))
    expect(problems.map((p) => p.where)).toEqual([`${page}:7`])
  })
})
