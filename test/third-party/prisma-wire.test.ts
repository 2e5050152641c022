import { describe, expect, test } from 'vitest'
import { type GeneratedClient, generatePrismaClient } from '../test-utils/prisma-generate.ts'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const ITEM = 'model Item {\n  id   Int    @id @default(autoincrement())\n  name String @unique\n  @@map("items")\n}'

let generated: GeneratedClient | undefined

const suite = useWireEndpoint({
  load: async () => {
    generated = await generatePrismaClient(ITEM)
    process.env.WIRE_PRISMA_CLIENT = generated.path
    return import('../fixtures/wire-apps/prisma-app.ts')
  },
  close: async ({ prisma }) => {
    await prisma.$disconnect()
    generated?.remove()
  },
})

async function names(): Promise<string[]> {
  const rows = await suite.app.prisma.item.findMany({ orderBy: { id: 'asc' } })
  return rows.map((row) => row.name)
}

describe('Prisma 7 (with @prisma/adapter-pg) through the wire endpoint, unchanged', () => {
  test("the module's client writes inside the test, and the next test starts empty", async () => {
    await suite.app.prisma.item.create({ data: { name: 'prisma' } })
    expect(await names()).toEqual(['prisma'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('an interactive transaction commits into the test; a nested one rolls back alone', async () => {
    const { prisma } = suite.app
    await prisma.$transaction(
      async (tx) => {
        await tx.item.create({ data: { name: 'outer' } })
        await tx
          .$transaction(async (nested) => {
            await nested.item.create({ data: { name: 'nested' } })
            throw new Error('undo the nested transaction')
          })
          .catch(() => {})
      },
      { isolationLevel: 'Serializable' },
    )
    expect(await names()).toEqual(['outer'])
  })

  test('a throwing interactive transaction rolls back, and the test goes on', async () => {
    await expect(
      suite.app.prisma.$transaction(async (tx) => {
        await tx.item.create({ data: { name: 'rolled back' } })
        throw new Error('the work fails')
      }),
    ).rejects.toThrow('the work fails')
    expect(await names()).toEqual([])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { prisma } = suite.app
    await prisma.item.create({ data: { name: 'unique' } })
    await expect(prisma.item.create({ data: { name: 'unique' } })).rejects.toMatchObject({ code: 'P2002' })
    await prisma.item.create({ data: { name: 'after' } })
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const { prisma } = suite.app
    await Promise.all(Array.from({ length: 20 }, (_, i) => prisma.item.create({ data: { name: `n${i}` } })))
    expect(await prisma.item.count()).toBe(20)
  })
})
