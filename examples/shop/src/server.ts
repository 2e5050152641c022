// Runs the shop for real: `DATABASE_URL=… REDIS_URL=… PAYMENTS_URL=… PAYMENTS_KEY=… npx node examples/shop/src/server.ts`
import { Redis } from 'ioredis'
import { createApp } from './app.ts'

const app = createApp({
  redis: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
  payments: {
    baseUrl: process.env.PAYMENTS_URL ?? 'https://api.payments.example',
    apiKey: process.env.PAYMENTS_KEY ?? '',
  },
  tokenSecret: process.env.TOKEN_SECRET ?? 'change-me',
})
const port = Number(process.env.PORT ?? 3000)
app.listen(port, () => console.log(`shop listening on http://localhost:${port}`))
