import { formatDuration } from '../core/duration.ts'
import type { ReportTest, RunReport } from './run-report.ts'
import { html, type SafeHtml } from './safe-html.ts'

/** A span on the timeline: service start, template build, or one test. */
export interface TimelineBar {
  start: number
  end: number
  kind: 'services' | 'templates' | ReportTest['state']
  label: string
}

/** A row of the timeline: the services, or one worker; bars that overlap go on rows of their own. */
export interface TimelineLane {
  name: string
  rows: TimelineBar[][]
}

const WIDTH = 1000
const LABEL_WIDTH = 100
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 20
const ROW_HEIGHT = 14
const LANE_GAP = 10
const AXIS_HEIGHT = 24

/** The lanes of a run: services (start, then templates), then each worker's tests in start order. */
export function timelineLanes(report: RunReport): TimelineLane[] {
  const lanes: TimelineLane[] = []
  const services = report.services
  if (services?.started && services.startedAt !== null) {
    const templatesStart = services.startedAt + services.servicesMs
    const verb = services.attached ? 'attach to' : 'start'
    const bars: TimelineBar[] = [
      { start: services.startedAt, end: templatesStart, kind: 'services', label: `${verb} services` },
      { start: templatesStart, end: templatesStart + services.templatesMs, kind: 'templates', label: 'templates' },
    ]
    lanes.push({ name: 'services', rows: [bars] })
  }
  const byWorker = new Map<string, TimelineBar[]>()
  for (const test of report.tests) {
    if (test.startTime === null) continue
    const worker = test.worker ?? '?'
    const bar = {
      start: test.startTime,
      end: test.startTime + test.durationMs,
      kind: test.state,
      label: testLabel(test),
    }
    byWorker.set(worker, [...(byWorker.get(worker) ?? []), bar])
  }
  const workers = [...byWorker.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
  for (const worker of workers) lanes.push({ name: `worker ${worker}`, rows: packRows(byWorker.get(worker) ?? []) })
  return lanes
}

/** Greedy interval packing: each bar on the first row whose last bar ended before it starts. */
export function packRows(bars: readonly TimelineBar[]): TimelineBar[][] {
  const rows: TimelineBar[][] = []
  for (const bar of [...bars].sort((a, b) => a.start - b.start)) {
    const row = rows.find((candidate) => (candidate.at(-1)?.end ?? 0) <= bar.start)
    if (row) row.push(bar)
    else rows.push([bar])
  }
  return rows
}

/** Tick spacing (ms) of 1, 2 or 5 × a power of ten, giving at most 10 ticks over `spanMs`. */
export function tickStep(spanMs: number): number {
  for (let power = 1; ; power *= 10) {
    for (const step of [1, 2, 5]) if (step * power * 10 >= spanMs) return step * power
  }
}

/** The run as an SVG: a lane per row of work, a bar per span, a tooltip (`<title>`) per bar. */
export function timelineSvg(report: RunReport): SafeHtml {
  const lanes = timelineLanes(report)
  const bars = lanes.flatMap((lane) => lane.rows.flat())
  if (bars.length === 0) return html`<p>No test ran, so there is no timeline.</p>`
  const t0 = Math.min(...bars.map((bar) => bar.start))
  const span = Math.max(1, Math.max(...bars.map((bar) => bar.end)) - t0)
  const x = (time: number) => LABEL_WIDTH + ((time - t0) / span) * PLOT_WIDTH
  let y = AXIS_HEIGHT
  const drawn = lanes.map((lane) => {
    const top = y
    y += lane.rows.length * ROW_HEIGHT + LANE_GAP
    return drawLane(lane, top, x)
  })
  return html`<svg class="timeline" viewBox="0 0 ${WIDTH} ${y}" role="img" aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">
<title id="timeline-title">Timeline of the run, ${formatDuration(span)} in all</title>
<desc id="timeline-desc">${describeLanes(lanes)}</desc>
${drawAxis(span, y, x, t0)}${drawn}</svg>`
}

function drawLane(lane: TimelineLane, top: number, x: (time: number) => number): SafeHtml {
  const height = lane.rows.length * ROW_HEIGHT
  const rects = lane.rows.flatMap((row, index) =>
    row.map((bar) => {
      const width = Math.max(1.5, x(bar.end) - x(bar.start)).toFixed(1)
      const barTop = top + index * ROW_HEIGHT + 1
      return html`<rect class="bar ${bar.kind}" x="${x(bar.start).toFixed(1)}" y="${barTop}" width="${width}" height="${ROW_HEIGHT - 2}"><title>${bar.label}</title></rect>`
    }),
  )
  return html`<g class="lane"><text x="4" y="${top + height / 2 + 4}">${lane.name}</text><line x1="${LABEL_WIDTH}" x2="${WIDTH - 20}" y1="${top + height + LANE_GAP / 2}" y2="${top + height + LANE_GAP / 2}"/>${rects}</g>
`
}

function drawAxis(span: number, bottom: number, x: (time: number) => number, t0: number): SafeHtml {
  const step = tickStep(span)
  const ticks: SafeHtml[] = []
  for (let at = 0; at <= span; at += step) {
    const left = x(t0 + at).toFixed(1)
    ticks.push(
      html`<line class="tick" x1="${left}" x2="${left}" y1="${AXIS_HEIGHT - 6}" y2="${bottom}"/><text class="tick" x="${left}" y="${AXIS_HEIGHT - 10}">${formatDuration(at)}</text>`,
    )
  }
  return html`<g class="axis">${ticks}</g>
`
}

function describeLanes(lanes: readonly TimelineLane[]): string {
  return lanes
    .map((lane) => {
      const bars = lane.rows.flat()
      if (lane.name === 'services')
        return bars.map((bar) => `${bar.label}: ${formatDuration(bar.end - bar.start)}`).join(', ')
      const busy = bars.reduce((sum, bar) => sum + (bar.end - bar.start), 0)
      return `${lane.name}: ${bars.length} test${bars.length === 1 ? '' : 's'}, ${formatDuration(busy)} of test time`
    })
    .join('; ')
}

function testLabel(test: ReportTest): string {
  return `${test.file} > ${test.name} — ${formatDuration(test.durationMs)}, ${test.state}`
}
