import jsQRImport from 'jsqr'
import { PNG } from 'pngjs'

type JsQR = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: { inversionAttempts?: 'dontInvert' | 'attemptBoth' },
) => { data: string } | null

// jsqr is a UMD bundle whose typings claim an ES default export; under NodeNext the default
// import is the CommonJS module object, which may or may not carry `.default`.
const jsQR: JsQR = (jsQRImport as unknown as { default?: JsQR }).default ?? (jsQRImport as unknown as JsQR)

/** Reads the QR code in RGBA pixels, or `null`. */
export function readQrPixels(pixels: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(pixels, width, height, { inversionAttempts: 'attemptBoth' })?.data ?? null
}

/** Decodes a PNG and reads the QR code in it: `{ width, height, text }`. */
export function readQrPng(png: Buffer): { width: number; height: number; text: string | null } {
  const image = PNG.sync.read(png)
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength)
  return { width: image.width, height: image.height, text: readQrPixels(pixels, image.width, image.height) }
}

/** `[r, g, b]` of one pixel of a PNG. */
export function pixelAt(png: Buffer, x: number, y: number): [number, number, number] {
  const image = PNG.sync.read(png)
  const i = (y * image.width + x) * 4
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!]
}
