import { describe, expect, it } from 'vitest'
import { packageEntries, undocumentedExports } from './_exports.js'

describe('the API reference', () => {
  it('documents every public export of every package, with an @example on functions and classes', () => {
    expect(packageEntries().length).toBeGreaterThanOrEqual(5)
    const problems = undocumentedExports()
    expect(problems.map((p) => `${p.pkg}: ${p.name} (${p.where}) has ${p.problem}`)).toEqual([])
  })
})
