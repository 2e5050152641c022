import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, onTestFinished, test } from 'vitest'
import { identify, isRunning, isVerified, leadsItsGroup, readProcfs, readPs } from './process-identity.ts'

const procfs = existsSync('/proc/self/stat')

function sleeper(options: { detached?: boolean } = {}) {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore', ...options })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  return child.pid as number
}

describe('identify', () => {
  test('records the start time and the executable of a process', ({ skip }) => {
    skip(!procfs, 'the executable is a path only where /proc is')
    const identity = identify(sleeper())
    expect(identity.executable).toMatch(/\/sleep$/)
    expect(identity.startTime).toMatch(/^\d+$/)
    expect(isVerified(identity)).toBe(true)
  })

  test('a recorded identity stops matching when the start time or the executable differ', () => {
    const identity = identify(sleeper())
    expect(isRunning({ ...identity, startTime: `${identity.startTime}0` })).toBe(false)
    expect(isRunning({ ...identity, executable: '/usr/bin/postgres' })).toBe(false)
    expect(isRunning(identity)).toBe(true)
  })

  test('a record without start time or executable may count as running but is never verified', () => {
    const pid = sleeper()
    expect(isRunning({ pid, startTime: null })).toBe(true)
    expect(isVerified({ pid, startTime: null })).toBe(false)
    expect(isVerified({ ...identify(pid), executable: null })).toBe(false)
  })

  test('only a process spawned as a group leader leads its group', () => {
    expect(leadsItsGroup(identify(sleeper({ detached: true })))).toBe(true)
    expect(leadsItsGroup(identify(sleeper()))).toBe(false)
  })
})

// The reader used where there is no /proc (macOS), checked against /proc where both work.
describe('the process table read through `ps`', () => {
  test('reads the group, the command and a start time that stays the same, as /proc does', ({ skip }) => {
    skip(!procfs, 'the comparison needs /proc')
    const pid = sleeper({ detached: true })
    const fromPs = readPs(pid)
    expect(fromPs).toMatchObject({ group: readProcfs(pid)?.group, command: 'sleep', exe: null })
    expect(fromPs?.group).toBe(pid)
    expect(fromPs?.startTime).toMatch(/^\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$/)
    expect(readPs(pid)).toEqual(fromPs)
    expect(readPs(2 ** 22 + 1)).toBeNull()
  })
})
