// Product reviews and the activity feed live in Firestore: each test has its own project with the
// catalog seeded from fixtures/firestore/catalog.yaml, so no test sees another's reviews. The tests
// run one after another: the customers they sign up go through the shop's one PostgreSQL pool, and
// a worker's DATABASE_URL serves one test's state at a time.
import { describe, expect } from 'testbed/vitest'
import { signedInUser, reviewsTest as test } from './shop-test.ts'

describe('product reviews', () => {
  test('a signed-in customer reviews a product: the review, the rating and the feed move together', async ({
    api,
    firestore,
  }) => {
    const { id: userId, token } = await signedInUser(api)
    const response = await api.bearer(token).post('/products/mug/reviews', { json: { stars: 4, text: 'Sturdy' } })
    expect(response.status).toBe(201)
    const created = await response.json<{ id: string; reviewCount: number; average: number }>()
    expect(created).toMatchObject({ reviewCount: 3, average: 4 })
    const review = await firestore.doc(`products/mug/reviews/${created.id}`).get()
    expect(review.data()).toMatchObject({ stars: 4, text: 'Sturdy', userId })
    const feed = await firestore.collection('activity').where('userId', '==', userId).get()
    expect(feed.docs.map((entry) => [entry.get('type'), entry.get('product').path, entry.get('stars')])).toEqual([
      ['review', 'products/mug', 4],
    ])
  })

  test('the next test sees the seeded reviews only', async ({ api, firestore }) => {
    const product = await firestore.doc('products/mug').get()
    expect(product.get('reviewCount')).toBe(2)
    expect((await firestore.collection('activity').get()).size).toBe(0)
    const listed = await (await api.get('/products/mug/reviews')).json<Array<{ id: string; stars: number }>>()
    expect(listed.map((review) => review.id)).toEqual(['seeded-1', 'seeded-2'])
  })

  test('lists the best reviews first, down to a minimum of stars', async ({ api }) => {
    const { token } = await signedInUser(api)
    await api.bearer(token).post('/products/mug/reviews', { json: { stars: 4, text: 'Good' } })
    const listed = await (await api.get('/products/mug/reviews?minStars=4')).json<
      Array<{ stars: number; text: string }>
    >()
    expect(listed).toEqual([
      { id: 'seeded-1', stars: 5, text: 'Holds a lot of tea' },
      { id: expect.any(String), stars: 4, text: 'Good' },
    ])
  })

  test('a review of a product not in the catalog is refused, and nothing is written', async ({ api, firestore }) => {
    const { token } = await signedInUser(api)
    const response = await api.bearer(token).post('/products/kettle/reviews', { json: { stars: 5, text: 'Great' } })
    expect(response.status).toBe(404)
    expect((await firestore.collection('products/kettle/reviews').get()).size).toBe(0)
    expect((await firestore.collection('activity').get()).size).toBe(0)
  })

  test('reviews need a signed-in customer and 1 to 5 stars', async ({ api }) => {
    expect((await api.post('/products/mug/reviews', { json: { stars: 5, text: 'x' } })).status).toBe(401)
    const { token } = await signedInUser(api)
    const refused = await api.bearer(token).post('/products/mug/reviews', { json: { stars: 6, text: 'x' } })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ error: 'stars must be 1 to 5' })
  })

  test('the activity feed tells a listener about a new review', async ({ api, firestore }) => {
    const { token } = await signedInUser(api)
    const seen: string[] = []
    let stop = () => {}
    const reviewed = new Promise<void>((resolve) => {
      stop = firestore.collection('activity').onSnapshot((snapshot) => {
        for (const change of snapshot.docChanges()) seen.push(`${change.type} ${change.doc.get('type')}`)
        if (snapshot.size > 0) resolve()
      })
    })
    await api.bearer(token).post('/products/teapot/reviews', { json: { stars: 5, text: 'Keeps tea hot' } })
    await reviewed
    stop()
    expect(seen).toEqual(['added review'])
  })
})
