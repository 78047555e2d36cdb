import { describe, expect, it } from 'vitest'
import {
  ADMIN_SESSION_MS,
  adminSession,
  adminSessionOk,
  basicAuthOk,
  generateAdminPassword,
  sameSecret,
} from '../src/admin-auth.js'
import { publicOrigin } from '../src/network.js'

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('the admin password', () => {
  it('is generated fresh: 22 base64url characters, never the same twice', () => {
    const a = generateAdminPassword()
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(generateAdminPassword()).not.toBe(a)
  })

  it('matches only itself, whatever the lengths', () => {
    expect(sameSecret('s3cret', 's3cret')).toBe(true)
    expect(sameSecret('s3cre', 's3cret')).toBe(false)
    expect(sameSecret('s3cretX', 's3cret')).toBe(false)
    expect(sameSecret('', 's3cret')).toBe(false)
  })

  it('basic auth needs the user `admin` and the password (a colon in the password is fine)', () => {
    expect(basicAuthOk(basic('admin', 'a:b'), 'a:b')).toBe(true)
    expect(basicAuthOk(basic('root', 'a:b'), 'a:b')).toBe(false)
    expect(basicAuthOk(basic('admin', 'a'), 'a:b')).toBe(false)
    expect(basicAuthOk('Bearer a:b', 'a:b')).toBe(false)
    expect(basicAuthOk(undefined, 'a:b')).toBe(false)
  })

  it('the admin cookie is refused once expired, when edited, or after the password changed', () => {
    const now = Date.parse('2026-11-28T08:00:00Z')
    const cookie = adminSession('pw', now)
    expect(adminSessionOk(cookie, 'pw', now + 1000)).toBe(true)
    expect(adminSessionOk(cookie, 'pw', now + ADMIN_SESSION_MS + 1)).toBe(false)
    expect(adminSessionOk(cookie, 'new-password', now)).toBe(false)
    const [expires, mac] = cookie.split('.') as [string, string]
    expect(adminSessionOk(`${Number(expires) + 86_400_000}.${mac}`, 'pw', now)).toBe(false)
    expect(adminSessionOk(undefined, 'pw', now)).toBe(false)
  })
})

describe('the public origin', () => {
  it('is PUBLIC_URL when set (its origin only), else the host and port', () => {
    expect(publicOrigin({ host: '0.0.0.0', port: 3000, publicUrl: 'https://duck.example/shop/' })).toBe(
      'https://duck.example',
    )
    expect(publicOrigin({ host: '127.0.0.1', port: 3000 })).toBe('http://127.0.0.1:3000')
    expect(publicOrigin({ host: '::1', port: 3000 })).toBe('http://[::1]:3000')
    expect(publicOrigin({ host: '0.0.0.0', port: 3000 })).not.toMatch(/0\.0\.0\.0/)
  })
})
