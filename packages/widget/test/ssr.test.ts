import { describe, expect, it } from 'vitest'

describe('server rendering', () => {
  it('imports without a DOM and registers nothing', async () => {
    expect(typeof (globalThis as { HTMLElement?: unknown }).HTMLElement).toBe('undefined')
    const widget = await import('../src/index.js')
    await import('../src/define.js') // the side-effect entry is safe on the server too
    expect(widget.defineShareCard()).toBeUndefined()
  })

  it('refuses to mount outside a browser with a LoopError-shaped error', async () => {
    const { mountShareCard } = await import('../src/index.js')
    expect(() =>
      mountShareCard({} as Element, { endpoint: 'https://shop.example/loop', token: 't' }),
    ).toThrow(
      expect.objectContaining({
        name: 'LoopError',
        code: 'internal',
        message: expect.stringMatching(/^\[loopkit\] \[widget\] /),
      }),
    )
  })

  it('encodes QR codes on the server as well (31 bytes: version 3, 29 modules + quiet zone)', async () => {
    const { encodeQr, qrSvg } = await import('../src/index.js')
    expect(qrSvg(encodeQr('https://shop.example/loop/s/abc'))).toMatch(/^<svg [^>]*viewBox="0 0 37 37"/)
  })
})
