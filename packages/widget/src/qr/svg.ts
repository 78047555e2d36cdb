import type { QrCode } from './encode.js'

/** Options of {@link qrSvg}. */
export interface QrSvgOptions {
  /** Light modules around the symbol; the standard asks for 4. */
  margin?: number
  /** Colour of dark modules; default `#000`. Keep the contrast high: scanners need it. */
  dark?: string
  /** Background colour; default `#fff`. */
  light?: string
}

/**
 * An SVG document for a QR code: one path of unit squares, scaled by the viewBox, so it stays
 * crisp at any size.
 *
 * @example
 * ```ts
 * el.innerHTML = qrSvg(encodeQr(link), { margin: 4 })
 * ```
 */
export function qrSvg(qr: QrCode, options: QrSvgOptions = {}): string {
  const margin = options.margin ?? 4
  const side = qr.size + margin * 2
  // Colours come from the page's code, but an attribute is no place for markup either way.
  const colour = (c: string | undefined, fallback: string) => (c ?? fallback).replace(/["<>&]/g, '')
  let d = ''
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (qr.modules[y * qr.size + x]) d += `M${x + margin} ${y + margin}h1v1h-1z`
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="${colour(options.light, '#fff')}"/>` +
    `<path d="${d}" fill="${colour(options.dark, '#000')}"/></svg>`
  )
}
