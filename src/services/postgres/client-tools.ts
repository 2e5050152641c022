import { join } from 'node:path'
import { isExecutable } from '../../core/executables.ts'
import { localCandidateDirs } from './postgres-binaries.ts'

/** The PostgreSQL client tools suites call, which the embedded npm packages do not ship. */
export const CLIENT_TOOLS = ['psql', 'createdb', 'dropdb', 'pg_dump'] as const

/** How to install the client tools on this platform, as a sentence fragment. */
export const CLIENT_TOOLS_FIX =
  'install the PostgreSQL client (Debian/Ubuntu: `apt-get install postgresql-client`; macOS: `brew install libpq` and add its bin folder to PATH), or set TESTBED_POSTGRES_BIN_DIR to a folder holding them'

/**
 * The path of a PostgreSQL client tool (`psql`, `createdb`, …) from TESTBED_POSTGRES_BIN_DIR, PATH,
 * `/usr/lib/postgresql/*\/bin` or Homebrew, where the `local` provider looks for the server; null
 * when none is found.
 */
export function findClientTool(name: (typeof CLIENT_TOOLS)[number]): string | null {
  for (const dir of localCandidateDirs()) {
    const path = join(dir, name)
    if (isExecutable(path)) return path
  }
  return null
}
