import type { DocumentData } from '@google-cloud/firestore'
import type { FirestoreConnection } from './firestore-client.ts'
import type { RestValue, RestWrite } from './firestore-rest.ts'

// A batch holds at most 500 writes.
const BATCH_LIMIT = 500

/**
 * Writes a seed's documents through a test's own client, in batches: over gRPC, about three times
 * faster than the emulator's REST commit for 100 documents (bench/firestore-seed.ts).
 */
export async function writeSeed(connection: FirestoreConnection, writes: readonly RestWrite[]): Promise<void> {
  const { client } = connection
  for (let start = 0; start < writes.length; start += BATCH_LIMIT) {
    const batch = client.batch()
    for (const write of writes.slice(start, start + BATCH_LIMIT)) {
      batch.set(client.doc(write.path), fieldsOf(write.fields, connection))
    }
    await batch.commit()
  }
}

function fieldsOf(fields: Record<string, RestValue>, connection: FirestoreConnection): DocumentData {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, clientValue(value, connection)]))
}

// From the REST encoding (Firestore's own, which the seed is validated into) to the client's values.
function clientValue(value: RestValue, connection: FirestoreConnection): unknown {
  const [[type, content]] = Object.entries(value) as [[string, unknown]]
  switch (type) {
    case 'integerValue':
      return Number(content)
    case 'timestampValue':
      return new Date(content as string)
    case 'referenceValue':
      return connection.client.doc((content as string).replace(/^projects\/[^/]+\/databases\/[^/]+\/documents\//, ''))
    case 'geoPointValue': {
      const { latitude, longitude } = content as { latitude: number; longitude: number }
      return new connection.GeoPoint(latitude, longitude)
    }
    case 'arrayValue':
      return ((content as { values: RestValue[] }).values ?? []).map((item) => clientValue(item, connection))
    case 'mapValue':
      return fieldsOf((content as { fields: Record<string, RestValue> }).fields, connection)
    default:
      // nullValue, booleanValue, doubleValue, stringValue: the value itself.
      return content
  }
}
