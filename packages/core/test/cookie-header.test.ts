import { parse } from 'cookie'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCookies } from '../src/security/session.js'

// Core reads `Cookie` headers itself since it dropped the `cookie` package (issue #14: a CommonJS
// dependency the bundlers kept whole). The reading must stay the package's, byte for byte, on the
// headers browsers and hosts send — including the broken ones (#9.6) — except that a pair with an
// empty name is ignored (no loop cookie has one).
const reference = (header: string) =>
  Object.fromEntries(
    Object.entries(parse(header)).filter(([name, value]) => name !== '' && value !== undefined),
  )
const ours = (header: string) => Object.fromEntries(Object.entries(parseCookies(header)))

describe('parseCookies reads a Cookie header as the cookie package did', () => {
  it.each([
    'lk_session=abc.123.def; lk_visitor=v1',
    'theme=50%; lk_session=a',
    'x=%E0%A4%A; lk_visitor=%41%42',
    'a=%; b=%%%',
    '=novalue; ;; lone',
    ' \tname = spaced value \t; other=1',
    'dup=first; dup=second',
    'q="quoted"; e=',
    'a=b=c; ;=; ;;',
    '__proto__=x; constructor=y; toString=z',
    '',
    'a',
  ])('%j', (header) => {
    expect(ours(header)).toEqual(reference(header))
  })

  it('on any header made of cookie-ish characters', () => {
    const chars = fc.constantFrom(...'ab_ =;%\t"E0A4%2C'.split(''), 'é', '🦆')
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (parts) => {
        const header = parts.join('')
        expect(ours(header)).toEqual(reference(header))
      }),
      { numRuns: 2000 },
    )
  })

  it('no header, or a null one, is no cookie', () => {
    expect(ours('')).toEqual({})
    expect({ ...parseCookies(null) }).toEqual({})
  })

  it('a cookie named __proto__ cannot change what other names read', () => {
    const cookies = parseCookies('__proto__=polluted; lk_session=s')
    expect(cookies.lk_session).toBe('s')
    expect(cookies.__proto__).toBe('polluted')
    expect(cookies.lk_visitor).toBeUndefined()
    expect(Object.getPrototypeOf(cookies)).toBeNull()
  })
})
