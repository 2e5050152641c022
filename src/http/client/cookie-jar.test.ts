import { describe, expect, test } from 'vitest'
import { CookieJar } from './cookie-jar.ts'

describe('CookieJar', () => {
  test('sends back the cookies the app set, joined in one header', () => {
    const jar = new CookieJar()
    jar.store(['session=abc123; Path=/; HttpOnly', 'theme=dark'], '/login')
    expect(jar.header('/me')).toBe('session=abc123; theme=dark')
    expect(jar.header('/profile/edit')).toBe('session=abc123; theme=dark')
    expect(jar.get('theme')).toBe('dark')
  })

  test('defaults the path to the directory of the request path and matches paths by segment', () => {
    const jar = new CookieJar()
    jar.store(['cart=1'], '/shop/add')
    expect(jar.header('/shop/items')).toBe('cart=1')
    expect(jar.header('/shop')).toBe('cart=1')
    expect(jar.header('/shopping')).toBeUndefined()
    expect(jar.header('/')).toBeUndefined()
  })

  test('sends cookies with longer paths first', () => {
    const jar = new CookieJar()
    jar.store(['a=root; Path=/', 'b=api; Path=/api'], '/')
    expect(jar.header('/api/users?page=2')).toBe('b=api; a=root')
  })

  test('forgets a cookie set with Max-Age=0 or an Expires in the past, and expired ones', () => {
    const jar = new CookieJar()
    const now = Date.parse('2030-01-01T00:00:00Z')
    jar.store(['session=abc', 'short=1; Max-Age=10', 'old=1; Expires=Wed, 01 Jan 2020 00:00:00 GMT'], '/', now)
    expect(jar.header('/', now)).toBe('session=abc; short=1')
    expect(jar.header('/', now + 11_000)).toBe('session=abc')
    jar.store(['session=; Max-Age=0'], '/', now)
    expect(jar.get('session')).toBeUndefined()
  })

  test('lets Max-Age win over Expires', () => {
    const jar = new CookieJar()
    const now = Date.parse('2030-01-01T00:00:00Z')
    jar.store(['a=1; Max-Age=100; Expires=Wed, 01 Jan 2020 00:00:00 GMT'], '/', now)
    expect(jar.header('/', now)).toBe('a=1')
  })

  test('copies are independent', () => {
    const jar = new CookieJar()
    jar.set('a', '1')
    const copy = jar.copy()
    copy.set('b', '2')
    jar.delete('a')
    expect(jar.header('/')).toBeUndefined()
    expect(copy.header('/')).toBe('a=1; b=2')
  })
})
