import { expect, test } from 'vitest'
import { parseJavaVersion } from './java-runtime.ts'

test('reads the version of OpenJDK 17 from `java -version`', () => {
  const output = 'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n'
  expect(parseJavaVersion(output)).toEqual({ version: '17.0.15', major: 17 })
})

test('reads Java 8, which calls itself 1.8, as major 8', () => {
  expect(parseJavaVersion('java version "1.8.0_402"\nJava(TM) SE Runtime Environment')).toEqual({
    version: '1.8.0_402',
    major: 8,
  })
})

test('reads an early-access build with no minor version', () => {
  expect(parseJavaVersion('openjdk version "25-ea" 2025-09-16')).toEqual({ version: '25-ea', major: 25 })
})

test('gives null for output that names no version', () => {
  expect(parseJavaVersion('Error: could not find libjava.so')).toBeNull()
})
