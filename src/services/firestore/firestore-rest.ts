import { noAnswerError, type ProbeResult } from '../../providers/external-provider.ts'

/** A value in the Firestore REST API's form: `{ stringValue: 'a' }`, `{ timestampValue: '…' }`. */
export type RestValue = Record<string, unknown>

/** One document to write: its path under the project (`products/mug/reviews/r1`) and its fields. */
export interface RestWrite {
  path: string
  fields: Record<string, RestValue>
}

// The emulator accepts this token as an admin that bypasses security rules, as the client libraries send it.
const HEADERS = { authorization: 'Bearer owner', 'content-type': 'application/json' }

/** `http://127.0.0.1:8080` → the `host:port` that FIRESTORE_EMULATOR_HOST and the clients take. */
export function emulatorHost(url: string): string {
  return new URL(url).host
}

/** The REST name of a document: `projects/p/databases/(default)/documents/products/mug`. */
export function documentName(projectId: string, path: string): string {
  return `projects/${projectId}/databases/(default)/documents/${path}`
}

/** Writes the documents in one commit: one request whatever their number. */
export async function commitWrites(url: string, projectId: string, writes: readonly RestWrite[]): Promise<void> {
  const body = {
    writes: writes.map((write) => ({ update: { name: documentName(projectId, write.path), fields: write.fields } })),
  }
  const database = `${url}/v1/projects/${projectId}/databases/(default)`
  await expectOk(
    fetch(`${database}/documents:commit`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) }),
  )
}

/** A document's fields, or null when it does not exist. */
export async function readDocument(
  url: string,
  projectId: string,
  path: string,
): Promise<Record<string, RestValue> | null> {
  const response = await fetch(`${url}/v1/${documentName(projectId, path)}`, { headers: HEADERS })
  if (response.status === 404) return null
  const document = (await expectOk(Promise.resolve(response)).then((ok) => ok.json())) as {
    fields?: Record<string, RestValue>
  }
  return document.fields ?? {}
}

/** Deletes every document of a project: the emulator's own reset, one request. */
export async function resetProject(url: string, projectId: string): Promise<void> {
  await expectOk(
    fetch(`${url}/emulator/v1/projects/${projectId}/databases/(default)/documents`, {
      method: 'DELETE',
      headers: HEADERS,
    }),
  )
}

/**
 * A real write and read of a document in a project of its own: the emulator answers HTTP before
 * it serves documents, so a port that accepts connections is not enough.
 */
export async function probeFirestore(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const path = `testbed-probe/${process.pid}-${Date.now()}`
  try {
    const probe = withTimeout(timeoutMs, async () => {
      await commitWrites(url, 'testbed-probe', [{ path, fields: { ok: { booleanValue: true } } }])
      return (await readDocument(url, 'testbed-probe', path))?.ok
    })
    const read = await probe
    if (JSON.stringify(read) !== '{"booleanValue":true}') throw new Error(`read back ${JSON.stringify(read)}`)
    return { ok: true, version: 'emulator' }
  } catch (error) {
    return { ok: false, error: withCode(error) }
  }
}

async function expectOk(pending: Promise<Response>): Promise<Response> {
  const response = await pending
  if (response.ok) return response
  const text = await response.text()
  throw new Error(`${response.status} ${response.statusText}: ${text.slice(0, 300)}`)
}

function withTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(noAnswerError(ms)), ms)
    work()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer))
  })
}

// fetch wraps the socket error (`ECONNREFUSED`) in its `cause`; the external provider retries on that code.
function withCode(error: unknown): Error {
  const failure = error instanceof Error ? error : new Error(String(error))
  const code = (failure.cause as NodeJS.ErrnoException | undefined)?.code
  return code ? Object.assign(new Error(`${failure.message}: ${code}`), { code }) : failure
}
