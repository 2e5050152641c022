import type { Firestore } from '@google-cloud/firestore'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { Redis } from 'ioredis'
import { db, inTransaction } from './db.ts'
import { isEmail, type OrderLine, orderTotal } from './orders.ts'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts'
import { charge, type PaymentsConfig } from './payments.ts'
import { allow } from './rate-limit.ts'
import { addReview, listReviews } from './reviews.ts'
import { signToken, verifyToken } from './tokens.ts'

/**
 * What the shop needs from the outside besides PostgreSQL (its pool is made from DATABASE_URL, in
 * db.ts): Redis, Firestore, the payment provider, a signing secret.
 */
export interface ShopDeps {
  redis: Redis
  /** Product reviews and the activity feed; without it, their routes answer 503. */
  firestore?: Firestore
  payments: PaymentsConfig
  tokenSecret: string
  /** Login attempts allowed per email per minute. */
  loginLimit?: number
}

interface UserRow {
  id: string
  email: string
  name: string
  is_active: boolean
}

type Handler = (req: Request, res: Response) => Promise<unknown>

export function createApp(deps: ShopDeps): express.Express {
  const app = express()
  app.use(express.json({ limit: '1mb' }))
  app.post('/users', route(signup))
  app.post('/users/import', route(bulkImport))
  app.get('/users', route(search))
  app.get(
    '/users/me',
    route((req, res) => me(deps, req, res)),
  )
  app.get('/users/:id', route(userById))
  app.post(
    '/sessions',
    route((req, res) => login(deps, req, res)),
  )
  app.post(
    '/orders',
    route((req, res) => placeOrder(deps, req, res)),
  )
  app.post(
    '/products/:id/reviews',
    route((req, res) => review(deps, req, res)),
  )
  app.get(
    '/products/:id/reviews',
    route((req, res) => (deps.firestore ? listReviews(deps.firestore, req, res) : noReviews(res))),
  )
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error.message })
  })
  return app
}

function route(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction) => void handler(req, res).catch(next)
}

async function signup(req: Request, res: Response) {
  const { email, password, name = '' } = req.body ?? {}
  if (!isEmail(email)) return res.status(400).json({ error: 'email is invalid' })
  const problem = typeof password === 'string' ? passwordProblem(password) : 'is required'
  if (problem) return res.status(400).json({ error: `password ${problem}` })
  const inserted = await db.query<UserRow>(
    `INSERT INTO users (email, name, password_hash) VALUES (lower($1), $2, $3)
     ON CONFLICT (email) DO NOTHING RETURNING id, email, name, is_active`,
    [email, name, await hashPassword(password)],
  )
  const user = inserted.rows[0]
  return user ? res.status(201).json(user) : res.status(409).json({ error: 'email is taken' })
}

async function bulkImport(req: Request, res: Response) {
  const users = req.body
  if (!Array.isArray(users) || !users.every((user) => isEmail(user?.email))) {
    return res.status(400).json({ error: 'expected an array of users with valid emails' })
  }
  try {
    await inTransaction(async (client) => {
      for (const user of users) {
        await client.query('INSERT INTO users (email, name, password_hash) VALUES (lower($1), $2, $3)', [
          user.email,
          user.name ?? '',
          await hashPassword(user.password ?? crypto.randomUUID()),
        ])
      }
    })
    return res.status(201).json({ imported: users.length })
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      return res.status(409).json({ error: 'duplicate email in import' })
    throw error
  }
}

async function search(req: Request, res: Response) {
  const term = typeof req.query.search === 'string' ? req.query.search : ''
  const found = await db.query<UserRow>(
    `SELECT id, email, name, is_active FROM users
     WHERE is_active AND (email ILIKE '%' || $1 || '%' OR name ILIKE '%' || $1 || '%') ORDER BY id LIMIT 100`,
    [term],
  )
  return res.json(found.rows)
}

async function userById(req: Request, res: Response) {
  if (!/^\d+$/.test(String(req.params.id))) return res.status(404).json({ error: 'no such user' })
  const found = await db.query<UserRow>('SELECT id, email, name, is_active FROM users WHERE id = $1', [req.params.id])
  return found.rows[0] ? res.json(found.rows[0]) : res.status(404).json({ error: 'no such user' })
}

async function login(deps: ShopDeps, req: Request, res: Response) {
  const { email, password } = req.body ?? {}
  if (!isEmail(email) || typeof password !== 'string')
    return res.status(400).json({ error: 'email and password required' })
  if (!(await allow(deps.redis, `login:${email.toLowerCase()}`, deps.loginLimit ?? 5, 60))) {
    return res.status(429).json({ error: 'too many attempts, try again in a minute' })
  }
  const found = await db.query<{ id: string; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE email = lower($1) AND is_active',
    [email],
  )
  const user = found.rows[0]
  if (!user || !(await verifyPassword(password, user.password_hash)))
    return res.status(401).json({ error: 'wrong email or password' })
  return res.json({ token: signToken(user.id, deps.tokenSecret) })
}

async function me(deps: ShopDeps, req: Request, res: Response) {
  const userId = authenticatedUser(deps, req)
  if (!userId) return res.status(401).json({ error: 'authentication required' })
  return userById(Object.assign(req, { params: { id: userId } }), res)
}

async function placeOrder(deps: ShopDeps, req: Request, res: Response) {
  const userId = authenticatedUser(deps, req)
  if (!userId) return res.status(401).json({ error: 'authentication required' })
  const total = orderTotal(req.body?.lines)
  if ('problem' in total) return res.status(400).json({ error: total.problem })
  const currency = typeof req.body?.currency === 'string' ? req.body.currency : 'usd'
  const payment = await charge(deps.payments, total.totalCents, currency, `user_${userId}`)
  const paymentId = payment.status === 'paid' ? payment.paymentId : null
  const id = await storeOrder(
    { userId, totalCents: total.totalCents, currency, status: payment.status, paymentId },
    req.body.lines,
  )
  const order = { id, totalCents: total.totalCents, status: payment.status }
  return payment.status === 'paid'
    ? res.status(201).json(order)
    : res.status(402).json({ ...order, reason: payment.reason })
}

interface NewOrder {
  userId: string
  totalCents: number
  currency: string
  status: 'paid' | 'declined'
  paymentId: string | null
}

/** The order and its lines, all or nothing. */
function storeOrder(order: NewOrder, lines: OrderLine[]): Promise<string | undefined> {
  return inTransaction(async (client) => {
    const stored = await client.query<{ id: string }>(
      'INSERT INTO orders (user_id, total_cents, currency, status, payment_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [order.userId, order.totalCents, order.currency, order.status, order.paymentId],
    )
    const id = stored.rows[0]?.id
    for (const line of lines) {
      await client.query(
        'INSERT INTO order_lines (order_id, sku, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)',
        [id, line.sku, line.quantity, line.unitPriceCents],
      )
    }
    return id
  })
}

async function review(deps: ShopDeps, req: Request, res: Response) {
  if (!deps.firestore) return noReviews(res)
  const userId = authenticatedUser(deps, req)
  if (!userId) return res.status(401).json({ error: 'authentication required' })
  return addReview(deps.firestore, userId, req, res)
}

async function noReviews(res: Response) {
  return res.status(503).json({ error: 'reviews are not available' })
}

function authenticatedUser(deps: ShopDeps, req: Request): string | null {
  const header = req.get('authorization') ?? ''
  const token = header.startsWith('Bearer ') ? header.slice(7) : ''
  return token ? verifyToken(token, deps.tokenSecret) : null
}
