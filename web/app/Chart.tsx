/** Chart size in SVG units and the padding for axis labels. */
const W = 560
const H = 160
const PAD_L = 56
const PAD = 24
/** Time ticks drawn on the x axis. */
const X_TICKS = 4

/**
 * A small accessible SVG line chart of cumulative series: [time ms, value] points sharing one time
 * axis, drawn as steps (a cumulative total holds its value until it changes). Leading points where
 * nothing had happened yet are dropped, so the time axis starts just before the first change. Series
 * that coincide stay visible: later series are drawn thinner on top of wider, translucent earlier ones.
 */
export function LineChart ({ series, label, format }: {
  series: Array<{ name: string, color: string, points: Array<[number, number]> }>
  label: string
  format: (v: number) => string
}): React.JSX.Element {
  const trimmed = series.map(s => ({ ...s, points: trimLeadingFlat(s.points) }))
  const all = trimmed.flatMap(s => s.points)
  if (all.length < 2 || trimmed.every(s => s.points.length < 2)) return <p className="muted">Not enough data yet for a chart: it fills in as cheques arrive.</p>
  const t0 = Math.min(...all.map(p => p[0]))
  const t1 = Math.max(...all.map(p => p[0]), t0 + 1)
  const vmax = Math.max(...all.map(p => p[1]), 1e-12)
  const x = (t: number): number => PAD_L + ((t - t0) / (t1 - t0)) * (W - PAD_L - PAD)
  const y = (v: number): number => H - PAD - (v / vmax) * (H - 2 * PAD)
  const ticks = Array.from({ length: X_TICKS }, (_, i) => t0 + (i / (X_TICKS - 1)) * (t1 - t0))
  return (
    <figure className="chart" style={{ maxWidth: 720 }}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} style={{ width: '100%' }}>
        {[0, 0.5, 1].map(f => (
          <g key={f}>
            <line x1={PAD_L} y1={y(vmax * f)} x2={W - PAD} y2={y(vmax * f)} stroke="currentColor" opacity={f === 0 ? 0.35 : 0.12} />
            <text x={PAD_L - 6} y={y(vmax * f) + 4} fontSize={11} fill="currentColor" opacity={0.7} textAnchor="end">{format(vmax * f)}</text>
          </g>
        ))}
        {ticks.map((t, i) => (
          <text key={i} x={x(t)} y={H - 6} fontSize={11} fill="currentColor" opacity={0.7} textAnchor={i === 0 ? 'start' : i === X_TICKS - 1 ? 'end' : 'middle'}>
            {new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
          </text>
        ))}
        {trimmed.map((s, i) => (
          <polyline key={s.name} fill="none" stroke={s.color} strokeWidth={i === 0 ? 5 : 2} opacity={i === 0 && trimmed.length > 1 ? 0.45 : 1} strokeLinejoin="round"
            points={steps(s.points).map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <figcaption className="legend">{trimmed.map(s => <span key={s.name}><i style={{ background: s.color }} />{s.name}: {format(s.points.at(-1)?.[1] ?? 0)}</span>)}</figcaption>
    </figure>
  )
}

/** Drops the points before the first change of value, keeping the last unchanged one as the start. */
function trimLeadingFlat (points: Array<[number, number]>): Array<[number, number]> {
  const first = points.findIndex(p => p[1] !== points[0]![1])
  return first <= 0 ? points : points.slice(first - 1)
}

/** A cumulative series as a step line: each value holds until the next point. */
function steps (points: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const [i, p] of points.entries()) {
    if (i > 0) out.push([p[0], points[i - 1]![1]])
    out.push(p)
  }
  return out
}
