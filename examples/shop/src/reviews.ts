import type { Firestore } from '@google-cloud/firestore'
import type { Request, Response } from 'express'

/** A product review as the API takes it. */
export interface ReviewInput {
  stars: number
  text: string
}

/** Why a review is refused, or null when it is fine. */
export function reviewProblem(body: unknown): string | null {
  const { stars, text } = (body ?? {}) as Partial<ReviewInput>
  if (!Number.isInteger(stars) || (stars as number) < 1 || (stars as number) > 5) return 'stars must be 1 to 5'
  if (typeof text !== 'string' || text.trim() === '') return 'text is required'
  return null
}

/**
 * POST /products/:id/reviews: in one transaction, the review goes under the product, the product's
 * rating totals move, and the shop's activity feed gets an entry.
 */
export async function addReview(firestore: Firestore, userId: string, req: Request, res: Response) {
  const problem = reviewProblem(req.body)
  if (problem) return res.status(400).json({ error: problem })
  const { stars, text } = req.body as ReviewInput
  const product = firestore.doc(`products/${req.params.id}`)
  const review = product.collection('reviews').doc()
  const rating = await firestore.runTransaction(async (transaction) => {
    const current = await transaction.get(product)
    if (!current.exists) return null
    const count = (current.get('reviewCount') ?? 0) + 1
    const sum = (current.get('ratingSum') ?? 0) + stars
    transaction.create(review, { stars, text, userId, at: new Date() })
    transaction.update(product, { reviewCount: count, ratingSum: sum })
    transaction.create(firestore.collection('activity').doc(), {
      type: 'review',
      userId,
      product,
      stars,
      at: new Date(),
    })
    return { count, average: Math.round((sum / count) * 10) / 10 }
  })
  if (!rating) return res.status(404).json({ error: 'no such product' })
  return res.status(201).json({ id: review.id, reviewCount: rating.count, average: rating.average })
}

/** GET /products/:id/reviews?minStars=4: the product's reviews, best first. */
export async function listReviews(firestore: Firestore, req: Request, res: Response) {
  const minStars = Number(req.query.minStars ?? 1)
  const snapshot = await firestore
    .collection(`products/${req.params.id}/reviews`)
    .where('stars', '>=', minStars)
    .orderBy('stars', 'desc')
    .get()
  return res.json(snapshot.docs.map((doc) => ({ id: doc.id, stars: doc.get('stars'), text: doc.get('text') })))
}
