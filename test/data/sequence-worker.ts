// One "worker" process: creates users through factories into the shared database at
// TESTBED_DATA_URL, committing each, prints the emails it made as one JSON line, then stays alive
// until its stdin closes, so the workers under test are alive at the same time, as Vitest's are.
import pg from 'pg'
import { factoriesFor } from '../../src/data/factories/factory-session.ts'
import { user } from './blog-factories.ts'

const [count] = process.argv.slice(2)
const pool = new pg.Pool({ connectionString: process.env.TESTBED_DATA_URL, max: 2 })
const factories = factoriesFor(pool, { factories: { user } })
const users = await factories.user.createList(Number(count))
await pool.end()
console.log(JSON.stringify(users.map((each) => each.email)))
process.stdin.resume()
await new Promise((resolve) => process.stdin.on('end', resolve))
