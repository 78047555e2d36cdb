import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('API reference', () => {
  it('typedoc converts every package with no warning (typedoc.json treats warnings as errors)', async () => {
    const bin = join(root, 'node_modules', '.bin', 'typedoc')
    const { stdout, stderr } = await promisify(execFile)(bin, ['--emit', 'none'], {
      cwd: root,
      timeout: 300_000, // eight packages: ~40 s on a quiet machine, several times that on a loaded one
    })
    const output = `${stdout}${stderr}`
    expect(output).not.toMatch(/\[warning\]|\[error\]/)
    expect(output).toMatch(/Merging converted projects/)
  }, 300_000)
})
