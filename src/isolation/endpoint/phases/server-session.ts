import { BackendConnection } from '../backend/backend-connection.ts'
import { ReplyRouter } from '../exchange/reply-router.ts'

/** A server session and the router of its replies: what the endpoint runs a client's statements on. */
export interface ServerSession {
  readonly backend: BackendConnection
  readonly router: ReplyRouter
}

/** Opens a server session on the database at `url`. */
export async function openServerSession(url: string): Promise<ServerSession> {
  const backend = await BackendConnection.open(url, { preferSocket: true })
  return { backend, router: new ReplyRouter(backend) }
}
