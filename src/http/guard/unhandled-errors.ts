// What the network guard says about traffic no mock answers: the errors it fails requests and
// lookups with, the error that fails the test at its end, and the warning of `unhandledHttp: 'warn'`.
import { TestbedError } from '../../core/errors.ts'
import type { GuardState } from '../mock/http-scope.ts'

const MOCKED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const OPT_OUT =
  "let this test reach the network with `{ meta: { unhandledHttp: 'bypass' } }` (every test: `unhandledHttp: 'bypass'` in testbed.config.ts)"

/** The warning of `unhandledHttp: 'warn'`. */
export function warnLetThrough(description: string): void {
  console.warn(
    `[testbed] Outbound traffic of an integration test reached the network (unhandledHttp: 'warn'): ${description}.`,
  )
}

/** The error an unhandled HTTP request fails with (fetch reports it as the `cause` of its TypeError). */
export function unhandledRequest(method: string, url: string): TestbedError {
  const mockCall = MOCKED_METHODS.includes(method)
    ? `http.${method.toLowerCase()}('${url}')`
    : `http.request('${method}', '${url}')`
  return new TestbedError('TESTBED_HTTP_UNHANDLED_REQUEST', {
    what: 'Unhandled outbound request in an integration test',
    subject: `${method} ${url}`,
    why: 'No http mock answers it, and integration tests do not reach the network: testbed failed it before any DNS lookup or connection, and fails the test even if the app caught the error',
    fix: `Mock it with the \`http\` fixture (\`${mockCall}.reply(…)\`), or ${OPT_OUT}`,
  })
}

/** The error a lookup of a host on the network fails with, when it is not part of a request a mock could answer. */
export function unhandledLookup(hostname: string): TestbedError {
  return new TestbedError('TESTBED_HTTP_UNHANDLED_LOOKUP', {
    what: 'Unhandled DNS lookup in an integration test',
    subject: hostname,
    why: 'Integration tests do not reach the network, and this lookup is not part of an HTTP request an http mock could answer (a database driver, a raw socket, `dns.lookup`): testbed failed it, so nothing was sent, and fails the test even if the app caught the error',
    fix: `Point the client at a service on this machine (such as those testbed starts), or ${OPT_OUT}`,
  })
}

/** The error that fails a test after the guard failed some of its traffic: that error, or one listing them all. */
export function unhandledTraffic(failed: GuardState['failed']): Error {
  const [only] = failed
  if (failed.length === 1 && only !== undefined) return only.error
  return new TestbedError('TESTBED_HTTP_UNHANDLED_REQUEST', {
    what: 'Unhandled outbound traffic in an integration test',
    subject: `${failed.length} requests and lookups`,
    why: 'No http mock answers them, and integration tests do not reach the network: testbed failed each before any DNS lookup or connection, and fails the test even if the app caught the errors',
    fix: `Mock them with the \`http\` fixture, or ${OPT_OUT}`,
    details: failed.map(({ subject }) => subject),
  })
}
