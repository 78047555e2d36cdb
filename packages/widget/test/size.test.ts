import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const budget = 12 * 1024

/** Bytes of an entry bundled for browsers, minified, then gzipped (what a visitor downloads). */
async function minGzip(entry: { path?: string; contents?: string }): Promise<{ min: number; gzip: number }> {
  const result = await build({
    ...(entry.path
      ? { entryPoints: [entry.path] }
      : {
          stdin: {
            contents: entry.contents!,
            resolveDir: fileURLToPath(new URL('.', import.meta.url)),
            loader: 'tsx',
          },
        }),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  return { min: code.length, gzip: gzipSync(code).length }
}

describe('bundle size', () => {
  it(`keeps <loopkit-share-card> with its QR encoder within ${budget} bytes min+gzip`, async () => {
    const size = await minGzip({ path: fileURLToPath(new URL('../src/define.ts', import.meta.url)) })
    console.log(
      `@loopkit/widget (define.ts, everything): ${size.min} B min, ${size.gzip} B min+gzip (budget ${budget})`,
    )
    expect(size.gzip).toBeLessThanOrEqual(budget)
  })

  it('is smaller than react-share with React and ReactDOM (the usual alternative)', async () => {
    // Five buttons rendered with React 19, no QR code or poster at all.
    const reactShare = await minGzip({
      contents: `
        import { createRoot } from 'react-dom/client'
        import { EmailShareButton, FacebookShareButton, TwitterShareButton, WeiboShareButton, WhatsappShareButton } from 'react-share'
        const url = location.href
        createRoot(document.getElementById('root')).render(<div>
          <FacebookShareButton url={url}>Facebook</FacebookShareButton>
          <TwitterShareButton url={url}>X</TwitterShareButton>
          <WeiboShareButton url={url}>Weibo</WeiboShareButton>
          <WhatsappShareButton url={url}>WhatsApp</WhatsappShareButton>
          <EmailShareButton url={url}>Email</EmailShareButton>
        </div>)`,
    })
    const ours = await minGzip({ path: fileURLToPath(new URL('../src/define.ts', import.meta.url)) })
    console.log(`react-share + react + react-dom: ${reactShare.min} B min, ${reactShare.gzip} B min+gzip`)
    expect(ours.gzip).toBeLessThan(reactShare.gzip)
  })
})
