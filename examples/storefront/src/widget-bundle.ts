import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/**
 * `<loopkit-share-card>` for the browser: `@loopkit/widget/define` bundled by esbuild from the
 * workspace source (the `@loopkit/source` condition), so a fresh clone needs no build step. Built
 * once per process, on first request.
 */
export async function bundleWidget(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "import '@loopkit/widget/define'",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    conditions: ['@loopkit/source'],
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}
