import type { Hono } from 'hono'
import { productById } from '../catalog.js'
import { faviconSvg, productSvg } from '../images.js'
import { css } from '../styles.js'
import { bundleWidget } from '../widget-bundle.js'

/** The stylesheet, the share-card widget bundle, the icon and the generated product pictures. */
export function assetRoutes(app: Hono): void {
  let widget: Promise<string> | null = null

  app.get('/assets/site.css', (c) => {
    c.header('content-type', 'text/css; charset=utf-8')
    c.header('cache-control', 'public, max-age=300')
    return c.body(css)
  })

  app.get('/assets/widget.js', async (c) => {
    widget ??= bundleWidget().catch((error: unknown) => {
      widget = null // a later request tries again
      throw error
    })
    c.header('content-type', 'text/javascript; charset=utf-8')
    c.header('cache-control', 'public, max-age=300')
    return c.body(await widget)
  })

  // Browsers ask for /favicon.ico on pages without an icon link (the loop's own pages): no 404s.
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, (c) => {
      c.header('content-type', 'image/svg+xml')
      c.header('cache-control', 'public, max-age=86400')
      return c.body(faviconSvg)
    })
  }

  app.get('/images/:file{[a-z-]+\\.svg}', (c) => {
    const product = productById(c.req.param('file').replace(/\.svg$/, ''))
    if (!product) return c.notFound()
    c.header('content-type', 'image/svg+xml')
    c.header('cache-control', 'public, max-age=3600')
    return c.body(productSvg(product))
  })
}
