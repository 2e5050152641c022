import { createConsoleProgress } from '../src/core/progress.ts'
import { firestore } from '../src/services/firestore/firestore-service.ts'
import { startServices } from '../src/services/service-set.ts'

/** A private Firestore emulator for a bench, started the way tests start it. */
export async function benchFirestore(): Promise<{ url: string; version: string; pid: number; stop(): Promise<void> }> {
  const set = await startServices(
    { firestore: firestore({ provider: 'local' }) },
    { projectDir: new URL('..', import.meta.url).pathname, progress: createConsoleProgress(process.stderr) },
  )
  const [service] = set.services
  if (service?.handle?.type !== 'process') throw new Error('no emulator process started')
  return { url: service.url, version: service.version, pid: service.handle.process.pid, stop: () => set.stop() }
}
