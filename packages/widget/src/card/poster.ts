import { encodeQr } from '../qr/encode.js'
import type { ShareCardData } from './api.js'

/** Poster size in pixels: a 9:16 phone screen at 2× (750 × 1334, the iPhone 6–8 canvas). */
export const posterWidth = 750
export const posterHeight = 1334

export interface PosterStyle {
  accent: string
  font: string
  caption: string
}

/** Loads an image for the canvas; `null` when it fails or takes too long, so the poster goes on without it. */
function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const img = new Image()
    // Without CORS the canvas would be tainted and toBlob would throw; with it, a server that
    // refuses CORS makes the load fail, which we handle by drawing no picture.
    img.crossOrigin = 'anonymous'
    const timer = setTimeout(() => resolve(null), 8000)
    img.onload = () => {
      clearTimeout(timer)
      resolve(img)
    }
    img.onerror = () => {
      clearTimeout(timer)
      resolve(null)
    }
    img.src = src
  })
}

/** Breaks text into lines that fit `width`: between words for Latin text, between any two CJK characters. */
function wrap(g: CanvasRenderingContext2D, text: string, width: number, maxLines: number): string[] {
  const tokens = text.match(/[\u2e80-\u9fff\uf900-\uffef]|[^\s\u2e80-\u9fff\uf900-\uffef]+\s*|\s+/g) ?? []
  const lines: string[] = []
  let line = ''
  for (const token of tokens) {
    if (line && g.measureText(line + token).width > width) {
      lines.push(line.trim())
      line = token.trimStart()
    } else line += token
  }
  if (line.trim()) lines.push(line.trim())
  if (lines.length > maxLines) {
    let last = lines[maxLines - 1]!
    while (last && g.measureText(`${last}…`).width > width) last = last.slice(0, -1)
    lines.length = maxLines
    lines[maxLines - 1] = `${last}…`
  }
  return lines
}

/**
 * Draws the share poster: the product picture (cropped to a square), title, price and a QR code
 * of the share link, as a PNG.
 */
export async function drawPoster(
  card: ShareCardData,
  imageUrl: string | null,
  style: PosterStyle,
): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = posterWidth
  canvas.height = posterHeight
  const g = canvas.getContext('2d')!
  g.fillStyle = '#fff'
  g.fillRect(0, 0, posterWidth, posterHeight)

  const img = imageUrl ? await loadImage(imageUrl) : null
  if (img) {
    const side = Math.min(img.naturalWidth, img.naturalHeight)
    g.drawImage(
      img,
      (img.naturalWidth - side) / 2,
      (img.naturalHeight - side) / 2,
      side,
      side,
      0,
      0,
      posterWidth,
      posterWidth,
    )
  } else {
    g.fillStyle = style.accent
    g.fillRect(0, 0, posterWidth, posterWidth)
  }

  const left = 48
  const width = posterWidth - left * 2
  g.textBaseline = 'top'
  g.fillStyle = '#111'
  g.font = `bold 44px ${style.font}`
  let y = posterWidth + 48
  for (const line of wrap(g, card.title, width, 2)) {
    g.fillText(line, left, y)
    y += 60
  }
  g.fillStyle = '#666'
  g.font = `28px ${style.font}`
  for (const line of wrap(g, card.description, width, 2)) {
    g.fillText(line, left, y + 8)
    y += 40
  }
  if (card.price) {
    g.fillStyle = style.accent
    g.font = `bold 56px ${style.font}`
    g.fillText(card.price.display, left, y + 28)
  }

  // The code sits in the bottom-right corner on white with its full 4-module quiet zone, each
  // module a whole number of pixels so scanners see sharp edges.
  const qr = encodeQr(card.link)
  const unit = Math.floor(264 / (qr.size + 8))
  const box = unit * (qr.size + 8)
  const x0 = posterWidth - left - box
  const y0 = posterHeight - 48 - box
  g.fillStyle = '#fff'
  g.fillRect(x0, y0, box, box)
  g.fillStyle = '#000'
  for (let y2 = 0; y2 < qr.size; y2++) {
    for (let x2 = 0; x2 < qr.size; x2++) {
      if (qr.modules[y2 * qr.size + x2]) g.fillRect(x0 + (x2 + 4) * unit, y0 + (y2 + 4) * unit, unit, unit)
    }
  }
  g.fillStyle = '#666'
  g.font = `28px ${style.font}`
  g.textBaseline = 'middle'
  const captionLines = wrap(g, style.caption, x0 - left - 24, 2)
  captionLines.forEach((line, i) => {
    g.fillText(line, left, y0 + box / 2 + (i - (captionLines.length - 1) / 2) * 40)
  })

  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) =>
        blob ? resolve(blob) : reject(new Error('[loopkit] [widget] The poster could not be encoded.')),
      'image/png',
    ),
  )
}
