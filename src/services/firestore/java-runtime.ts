import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { findOnPath } from '../../core/executables.ts'

const run = promisify(execFile)

/**
 * The oldest Java the Cloud Firestore emulator runs on: its classes are compiled for Java 11 (class
 * file version 55), so an older Java fails with UnsupportedClassVersionError.
 */
export const MIN_JAVA = 11

/** A `java` binary and the version it reports. */
export interface JavaRuntime {
  path: string
  /** As `java -version` prints it: `17.0.15`, `1.8.0_402`. */
  version: string
  /** 17 for `17.0.15`, 8 for `1.8.0_402`. */
  major: number
}

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on PATH; null when there is none that runs. */
export async function findJava(): Promise<JavaRuntime | null> {
  const home = process.env.JAVA_HOME
  const path = home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : findOnPath('java')
  if (!path) return null
  try {
    // `java -version` writes to stderr.
    const { stderr } = await run(path, ['-version'], { timeout: 15_000 })
    const version = parseJavaVersion(stderr)
    return version ? { path, ...version } : null
  } catch {
    return null
  }
}

/** The version in `java -version`'s output: `openjdk version "17.0.15" 2025-04-15` → 17.0.15, major 17. */
export function parseJavaVersion(output: string): { version: string; major: number } | null {
  const version = /version "([^"]+)"/.exec(output)?.[1]
  if (!version) return null
  const [first, second] = version.split(/[.+_-]/).map(Number)
  // Java 8 and older call themselves 1.8, 1.7.
  const major = first === 1 && second !== undefined ? second : first
  return major === undefined || Number.isNaN(major) ? null : { version, major }
}
