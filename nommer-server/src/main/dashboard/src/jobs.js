// The jobs list: newest first, refreshed every second and a half, filtered by state and age.
import { html } from 'htm/preact';
import { api, usePoll } from './api.js';
import { Problem, Progress, State, ago, took } from './format.js';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const AGES = [
  ['15m', 'last 15 minutes', 15 * 60],
  ['1h', 'last hour', 3600],
  ['24h', 'last 24 hours', 86400],
  ['7d', 'last 7 days', 7 * 86400],
  ['all', 'any time', null],
];
const REFRESH_MS = 1500;

function query(filters) {
  const q = new URLSearchParams({ limit: '100' });
  if (filters.state) q.set('state', filters.state);
  const age = AGES.find(([k]) => k === filters.age);
  if (age && age[2]) q.set('created_after', new Date(Date.now() - age[2] * 1000).toISOString());
  return q;
}

export function JobsPage({ filters, navigate }) {
  const { data, error } = usePoll(() => api(`/v1/jobs?${query(filters)}`), REFRESH_MS, [filters.state, filters.age]);
  const set = (change) => navigate('jobs', { ...filters, ...change });
  const jobs = data?.jobs ?? [];
  return html`
    <section>
      <div class="toolbar">
        <h1>Jobs</h1>
        <label>State
          <select value=${filters.state || ''} onChange=${(e) => set({ state: e.target.value })} data-filter="state">
            <option value="">all</option>
            ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
          </select>
        </label>
        <label>Submitted
          <select value=${filters.age || 'all'} onChange=${(e) => set({ age: e.target.value })} data-filter="age">
            ${AGES.map(([k, label]) => html`<option value=${k}>${label}</option>`)}
          </select>
        </label>
        <span class="muted">${data ? `${jobs.length}${data.next_cursor ? '+' : ''} shown, refreshed live` : ''}</span>
      </div>
      <${Problem} error=${error} />
      ${data && jobs.length === 0
        ? html`<p class="empty">No jobs${filters.state || filters.age ? ' match these filters' : ' yet'}.
            Submit one with <code>nommer submit FILE --preset mp4-h264</code> or <code>POST /v1/jobs</code>.</p>`
        : null}
      ${jobs.length > 0 ? html`<table class="jobs">
        <thead><tr><th>Job</th><th>State</th><th class="wide">Progress</th><th>Outputs</th><th>Input</th>
          <th>Submitted</th><th>Ran</th></tr></thead>
        <tbody>${jobs.map((j) => html`<${JobRow} key=${j.id} job=${j} />`)}</tbody>
      </table>` : null}
    </section>`;
}

function JobRow({ job }) {
  return html`<tr data-job-id=${job.id}>
    <td><a href=${`#/jobs/${job.id}`} class="mono">${job.id}</a></td>
    <td><${State} state=${job.state} /></td>
    <td><${Progress} value=${job.progress} state=${job.state} /></td>
    <td>${job.outputs.map((o) => html`<span class="chip" title=${o.state}>${o.name}</span>`)}</td>
    <td class="input" title=${job.input}>${shortInput(job.input)}</td>
    <td title=${job.created_at}>${ago(job.created_at)}</td>
    <td>${took(job.started_at, job.finished_at)}</td>
  </tr>`;
}

function shortInput(uri) {
  const name = uri.split('/').pop();
  return name.length > 40 ? `${name.slice(0, 37)}…` : name;
}
