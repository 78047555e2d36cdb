import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

// Core runs on Web APIs alone (issue #14): the proof is a Worker with no compatibility flags (no
// nodejs_compat), in the real workerd runtime from its npm package, running the whole loop.
const here = fileURLToPath(new URL('.', import.meta.url))
const workerd = createRequire(import.meta.url).resolve('workerd/bin/workerd')
const dir = mkdtempSync(join(tmpdir(), 'loopkit-workerd-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** esbuild for the neutral platform: no Node built-ins; `node:` imports fail to resolve. */
function bundleNeutral(entry: string, outfile: string) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['@loopkit/source'],
    logLevel: 'silent',
  })
}

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "loop", worker = .loop)]);
const loop :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-01-01",
);
`

function runWorkerdTest(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(workerd, ['test', 'config.capnp'], { cwd: dir, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr })
    })
  })
}

describe('core on Web APIs alone', () => {
  it('esbuild --platform=neutral bundles core and its dev, plugins and kit entries, and refuses a node: import (the check has teeth)', async () => {
    await bundleNeutral(join(here, '../../src/index.ts'), join(dir, 'core.js'))
    await bundleNeutral(join(here, '../../src/dev/index.ts'), join(dir, 'core-dev.js'))
    await bundleNeutral(join(here, '../../src/plugins/index.ts'), join(dir, 'core-plugins.js'))
    await bundleNeutral(join(here, '../../src/kit/index.ts'), join(dir, 'core-kit.js'))
    writeFileSync(
      join(dir, 'uses-node.ts'),
      "import { createHmac } from 'node:crypto'\nexport const h = createHmac",
    )
    await expect(bundleNeutral(join(dir, 'uses-node.ts'), join(dir, 'uses-node.js'))).rejects.toThrow(
      /node:crypto/,
    )
  })

  it('runs the whole loop (login → pay → notify → share → attributed purchase) inside workerd without nodejs_compat', async () => {
    await bundleNeutral(join(here, '_worker.ts'), join(dir, 'worker.js'))
    writeFileSync(join(dir, 'config.capnp'), CONFIG)
    const { code, output } = await runWorkerdTest()
    expect(output).toContain('LOOPKIT_WORKERD_WHOLE_LOOP_OK')
    expect(output).not.toContain('nodejs_compat')
    expect(code, output).toBe(0)
  })
})
