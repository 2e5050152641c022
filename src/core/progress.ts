/** Where long work reports what it is doing: service start, template builds. */
export interface Progress {
  step(message: string): void
  done(message: string): void
  warn(message: string): void
}

export const silentProgress: Progress = { step() {}, done() {}, warn() {} }

/** Progress lines on stderr, so stdout stays clean for output meant for `eval` or pipes. */
export function createConsoleProgress(stream: NodeJS.WritableStream = process.stderr): Progress {
  const write = (symbol: string, message: string) => stream.write(`${symbol} ${message}\n`)
  return {
    step: (message) => write('…', message),
    done: (message) => write('✓', message),
    warn: (message) => write('!', message),
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
