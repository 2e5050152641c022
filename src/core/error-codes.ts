/**
 * Every error code testbed throws, by area: `TESTBED_<AREA>_<WHAT>`. The area names the part of
 * testbed the user was using when it failed, so one part never answers to two areas. Each code has
 * a section in docs/errors.md (what it means, the usual causes, the fix), which every message links
 * to; a test fails when a code lacks one or code throws one not listed here.
 */
export const ERROR_CODES = {
  /** testbed.config.ts, the options of its functions, and values that pick a setting. */
  CONFIG: ['INVALID', 'LOAD_FAILED', 'NOT_FOUND'],
  /** The state dir, where runs keep their records and data. */
  STATE: ['DIR_UNSAFE'],
  /** The `testbed` command line. */
  CLI: ['CLIENT_MISSING', 'INVALID_ARGUMENT', 'UNKNOWN_COMMAND', 'VITEST_FAILED', 'VITEST_MISSING'],
  /** `testbed ci`: the CI workflow it writes. */
  CI: ['HAND_EDITED', 'INVALID_ARGUMENT', 'NO_PACKAGE_JSON', 'UNKNOWN_TARGET', 'UNSUPPORTED_SERVICE'],
  /** `testbed init`: setting testbed up in an existing project. */
  INIT: ['BAD_PACKAGE_JSON', 'NO_PACKAGE_JSON', 'VITEST_CONFIG'],
  /** `testbed install`: what the configured services need on this machine. */
  INSTALL: ['COMMAND_FAILED', 'MANUAL', 'MISSING', 'STILL_MISSING', 'STUCK'],
  /** `testbed report`: the HTML report of the last run. */
  REPORT: ['NOT_FOUND', 'OPEN_FAILED', 'UNREADABLE'],
  /** Finding, starting, reaching and stopping services. */
  SERVICE: [
    'BINARIES_NOT_REACHABLE',
    'DATA_DIR_NOT_REACHABLE',
    'DATA_DIR_NOT_WRITABLE',
    'DIED',
    'EXITED',
    'INITDB_FAILED',
    'NOT_RUNNING',
    'NO_FREE_PORT',
    'NO_PROVIDER',
    'NO_UNPRIVILEGED_USER',
    'PORT_TAKEN',
    'PROVIDER_UNAVAILABLE',
    'SPAWN_FAILED',
    'START_TIMEOUT',
    'STATE_DIR_FULL',
    'UNREACHABLE',
  ],
  /** The `docker` provider: images and containers on Docker Engine or Podman. */
  DOCKER: ['CONTAINER_EXITED', 'IMAGE_UNAVAILABLE'],
  /** `testbed compose`: docker-compose.test.yml from testbed.config.ts. */
  COMPOSE: ['HAND_EDITED', 'NO_RECIPE'],
  /** Building the template every test database starts from: migrations, seeds, labelled rows. */
  TEMPLATE: ['CONNECTIONS_LEFT_OPEN', 'MIGRATION_FAILED', 'ROWS_FAILED', 'SEED_FAILED', 'SOURCE_MISSING'],
  /** Clean state per test: the strategies, the clone pool, the wire endpoint, the leak check. */
  ISOLATION: [
    'CLIENT_RELEASED',
    'CLONE_FAILED',
    'CLONE_NOT_LEASED',
    'CLONE_POOL_CLOSED',
    'CLONE_POOL_LOST',
    'CONNECTIONS_LEFT_OPEN',
    'CONNECT_FAILED',
    'ENDPOINT_CONNECT_FAILED',
    'ENDPOINT_NO_TEST',
    'ENDPOINT_TEST_ENDED',
    'ENDPOINT_WRITE_OUTSIDE_TEST',
    'LEAK',
    'MISUSED',
    'NOT_IN_TRANSACTION',
    'POOL_ENDED',
    'SERVER_TOO_OLD',
    'SERVER_UNREACHABLE',
    'TEMPLATE_MISSING',
    'TEST_ENDED',
    'TRANSACTION_ABORTED',
    'TRANSACTION_WAIT',
  ],
  /** Test data: factories, data files (`load`), labelled rows. */
  DATA: [
    'ATTRIBUTE_CYCLE',
    'FACTORY_INVALID',
    'FILE_MALFORMED',
    'FIRESTORE_SEED_INVALID',
    'FIRESTORE_SEED_MISSING',
    'FILE_MISSING',
    'FILE_UNSUPPORTED',
    'LABEL_ID_COLLISION',
    'LABEL_UNDEFINED',
    'LABEL_UNKNOWN',
    'LINT',
    'NOT_A_FACTORY',
    'NO_TABLE',
    'ROWS_DIR_MISSING',
    'ROWS_FILE_INVALID',
    'ROWS_INSERT_FAILED',
    'ROWS_UNKNOWN_COLUMN',
    'ROWS_UNKNOWN_TABLE',
    'SEED_INVALID',
    'UNKNOWN_COLUMN',
    'UNKNOWN_FACTORY',
    'UNKNOWN_TABLE',
    'UNKNOWN_TRAIT',
  ],
  /** The in-process API client, outbound mocks, cassettes and the network guard. */
  HTTP: [
    'CASSETTE_INVALID',
    'CASSETTE_MISSING',
    'INVALID_MOCK',
    'INVALID_MODE',
    'INVALID_OPTION',
    'INVALID_REQUEST',
    'NOT_A_RESPONSE',
    'NOT_JSON',
    'NOT_LISTENING',
    'NO_AUTHENTICATE',
    'NO_CASSETTE',
    'NO_SCOPE',
    'RECORD_IN_CI',
    'SCOPE_ENDED',
    'SECRET_IN_CASSETTE',
    'UNEXPECTED_STATUS',
    'UNHANDLED_LOOKUP',
    'UNHANDLED_REQUEST',
    'UNKNOWN_APP',
    'UNMATCHED_REQUEST',
    'UNUSED_MOCK',
  ],
  /** Marker expressions (`testbed test -m`, Vitest tag filters). */
  MARKER: ['INVALID', 'UNKNOWN'],
  /** The fixtures of `testbed/vitest`. */
  VITEST: [
    'FIRESTORE_CLIENT_MISSING',
    'FIRESTORE_LISTENERS_OPEN',
    'IOREDIS_MISSING',
    'NO_APP',
    'NO_FIXTURE',
    'NO_ROWS',
    'NO_SERVICE',
    'REDIS_LEASE_LOST',
    'REDIS_NO_DATABASE',
    'UNKNOWN_SERVICE',
  ],
} as const

type Catalogue = typeof ERROR_CODES
export type ErrorArea = keyof Catalogue

/** A catalogued code: `TESTBED_SERVICE_PORT_TAKEN`. */
export type ErrorCode = { [Area in ErrorArea]: `TESTBED_${Area}_${Catalogue[Area][number]}` }[ErrorArea]

/** Every catalogued code, in catalogue order. */
export function errorCodes(): ErrorCode[] {
  return Object.entries(ERROR_CODES).flatMap(([area, names]) =>
    names.map((name: string) => `TESTBED_${area}_${name}` as ErrorCode),
  )
}

/** Where the docs of every code live, as installed with the package. */
export const ERRORS_DOCS = 'node_modules/testbed/docs/errors.md'

/** The docs section of `code`: `node_modules/testbed/docs/errors.md#testbed_service_port_taken`. */
export function errorDocs(code: ErrorCode): string {
  return `${ERRORS_DOCS}#${code.toLowerCase()}`
}
