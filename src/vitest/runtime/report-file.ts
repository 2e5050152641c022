// A setup file of the projects `unit` and `integration`: notes, for the run report, which worker ran
// each test and the outbound HTTP requests it sent. Vitest sends task meta to the main process with
// the test's result, where the reporter reads it.
import { aroundEach } from 'vitest'
import { type OutboundCall, runWithOutboundLog } from '../../http/outbound-log.ts'
import { reportMetaOf } from '../report-meta.ts'

aroundEach(async (runTest, { task }) => {
  const report = reportMetaOf(task.meta)
  report.worker = process.env.VITEST_POOL_ID ?? '1'
  const calls: OutboundCall[] = []
  try {
    await runWithOutboundLog(calls, runTest)
  } finally {
    if (calls.length > 0) report.http = calls
  }
})
