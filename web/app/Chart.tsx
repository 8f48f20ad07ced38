/** A small accessible SVG line chart: series of [time ms, value] points sharing one time axis. */
export function LineChart ({ series, label, format }: {
  series: Array<{ name: string, color: string, points: Array<[number, number]> }>
  label: string
  format: (v: number) => string
}): React.JSX.Element {
  const W = 560
  const H = 140
  const PAD = 28
  const all = series.flatMap(s => s.points)
  if (series.every(s => s.points.length < 2)) return <p className="muted">Not enough data yet for a chart: it fills in as cheques arrive.</p>
  const t0 = Math.min(...all.map(p => p[0]))
  const t1 = Math.max(...all.map(p => p[0]), t0 + 1)
  const vmax = Math.max(...all.map(p => p[1]), 1e-12)
  const x = (t: number): number => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD)
  const y = (v: number): number => H - PAD - (v / vmax) * (H - 2 * PAD)
  return (
    <figure className="chart" style={{ maxWidth: 720 }}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} width="100%">
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="currentColor" opacity={0.3} />
        <text x={PAD} y={PAD - 8} fontSize={11} fill="currentColor" opacity={0.7}>{format(vmax)}</text>
        <text x={PAD} y={H - 8} fontSize={11} fill="currentColor" opacity={0.7}>{new Date(t0).toLocaleTimeString()}</text>
        <text x={W - PAD} y={H - 8} fontSize={11} fill="currentColor" opacity={0.7} textAnchor="end">{new Date(t1).toLocaleTimeString()}</text>
        {series.map(s => (
          <polyline key={s.name} fill="none" stroke={s.color} strokeWidth={2}
            points={s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <figcaption className="legend">{series.map(s => <span key={s.name}><i style={{ background: s.color }} />{s.name}</span>)}</figcaption>
    </figure>
  )
}
