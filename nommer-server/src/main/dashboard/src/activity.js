// Queue depth and throughput over the last hour, minute by minute, from GET /v1/stats/activity.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { api, usePoll } from './api.js';
import { Problem } from './format.js';

const REFRESH_MS = 10000;

export function useActivity(ms = REFRESH_MS) {
  return usePoll(() => api('/v1/stats/activity?minutes=60'), ms, []);
}

/** The numbers of the last hour in one line: the header of the jobs page shows it too. */
export function ActivitySummary({ activity }) {
  const b = activity?.buckets;
  if (!b || b.length === 0) return null;
  const last = b[b.length - 1];
  const sum = (k) => b.reduce((n, x) => n + x[k], 0);
  const counts = ['submitted', 'succeeded', 'failed', 'cancelled'].map((k) => html`<span><b>${sum(k)}</b> ${k}</span>`);
  return html`<div class="summary" data-summary>
    <span><b data-queued>${last.queued}</b> queued</span>
    <span><b>${last.running}</b> running</span>
    <span class="muted">last hour:</span>${counts}
  </div>`;
}

export function ActivityPage() {
  const { data, error } = useActivity();
  const b = data?.buckets ?? [];
  // why: a step holds its value until the next minute; one more point closes the current minute's step
  const x = [...b.map((m) => Date.parse(m.minute) / 1000), b.length ? Date.parse(b[b.length - 1].minute) / 1000 + 60 : 0];
  const col = (k) => [...b.map((m) => m[k]), b.length ? b[b.length - 1][k] : 0];
  return html`<section>
    <h1>Activity, last hour</h1>
    <p class="muted">Minute by minute, from the jobs' own times in the store${data ? '' : ' (loading)'}.</p>
    <${Problem} error=${error} />
    <h2>Queue depth</h2>
    <${Chart} data=${[x, col('queued'), col('running')]}
      series=${[['queued', '#d08a1e'], ['running', '#2f6fde']]} kind="depth" />
    <h2>Throughput (jobs per minute)</h2>
    <${Chart} data=${[x, col('submitted'), col('succeeded'), col('failed'), col('cancelled')]}
      series=${[['submitted', '#7a7f87'], ['succeeded', '#23965b'], ['failed', '#d23c3c'], ['cancelled', '#a070c8']]}
      kind="throughput" />
  </section>`;
}

function Chart({ data, series, kind }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const opts = {
      width: box.current.clientWidth,
      height: 220,
      legend: { live: false },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(4, max)] } },
      axes: [{}, { size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000] }],
      series: [
        {},
        ...series.map(([label, stroke]) => ({
          label,
          stroke,
          width: 2,
          fill: `${stroke}1a`,
          // why: each value holds for its whole minute
          paths: uPlot.paths.stepped({ align: 1 }),
          points: { show: false },
        })),
      ],
    };
    plot.current = new uPlot(opts, data, box.current);
    const resize = new ResizeObserver(() => plot.current.setSize({ width: box.current.clientWidth, height: 220 }));
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      plot.current.destroy();
    };
  }, []);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return html`<div class="chart" ref=${box} data-chart=${kind}></div>`;
}
