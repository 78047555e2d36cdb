import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { docPages, ROOT } from './_samples.js'

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!m) continue
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** Relative links of a page (not URLs, not inside code), with their line. */
function links(markdown: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = []
  let fenced = false
  markdown.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    if (fenced) return
    const text = line.replace(/`[^`]*`/g, '')
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!
      if (/^[a-z]+:/i.test(target)) continue
      out.push({ target, line: i + 1 })
    }
  })
  return out
}

describe('links between docs pages', () => {
  it('every relative link points to an existing file and heading', () => {
    const broken: string[] = []
    for (const page of docPages()) {
      const text = readFileSync(join(ROOT, page), 'utf8')
      for (const { target, line } of links(text)) {
        const [path, hash] = target.split('#') as [string, string | undefined]
        const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page)
        if (!existsSync(file)) {
          broken.push(`${page}:${line}: ${target} (no ${relative(ROOT, file)})`)
          continue
        }
        if (hash && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(hash)) {
          broken.push(`${page}:${line}: ${target} (no heading #${hash})`)
        }
      }
    }
    expect(broken).toEqual([])
  })

  it('the checker finds headings and links the way GitHub renders them', () => {
    expect([...anchors('# The `loop.fetch` handler\n## JS-SDK share config\n## Notes\n## Notes\n')]).toEqual([
      'the-loopfetch-handler',
      'js-sdk-share-config',
      'notes',
      'notes-1',
    ])
    expect(links('See [a](a.md#x), `[b](b.md)` and [c](https://c.example).\n```\n[d](d.md)\n```')).toEqual([
      { target: 'a.md#x', line: 1 },
    ])
  })
})
