// Workers and clouds with their load (busy slots of all slots). Admin keys only: a tenant's key is told so.
import { html } from 'htm/preact';
import { api, usePoll } from './api.js';
import { Problem, ago } from './format.js';

const REFRESH_MS = 3000;

const Load = ({ active, slots }) => {
  const pct = slots > 0 ? (100 * active) / slots : 0;
  return html`<div class="progress" data-load=${`${active}/${slots}`}>
    <div class="bar load" style=${{ width: `${pct}%` }}></div><span>${active} of ${slots} busy</span>
  </div>`;
};

export function FleetPage() {
  const workers = usePoll(() => api('/v1/workers'), REFRESH_MS, []);
  const clouds = usePoll(() => api('/v1/clouds'), REFRESH_MS * 2, []);
  if (workers.error?.status === 403 || clouds.error?.status === 403) {
    return html`<section><h1>Workers and clouds</h1>
      <p class="notice">Workers and clouds are the farm's own: only an admin key sees them. This key is a tenant's;
      its jobs are under <a href="#/">Jobs</a>.</p></section>`;
  }
  const list = workers.data?.workers ?? [];
  const byCloud = new Map((clouds.data?.clouds ?? []).map((c) => [c.name, { ...c, workers: 0, active: 0, slots: 0 }]));
  for (const w of list) {
    for (const name of w.clouds) {
      const c = byCloud.get(name) ?? { name, priority: 0, workers: 0, active: 0, slots: 0 };
      c.workers++;
      c.active += w.active;
      c.slots += w.slots;
      byCloud.set(name, c);
    }
  }
  const totals = list.reduce((t, w) => ({ active: t.active + w.active, slots: t.slots + w.slots }), { active: 0, slots: 0 });
  return html`<section>
    <div class="toolbar"><h1>Workers and clouds</h1>
      ${workers.data ? html`<span class="muted">${list.length} worker${list.length === 1 ? '' : 's'}</span>
        <div class="grow narrow"><${Load} ...${totals} /></div>` : null}</div>
    <${Problem} error=${workers.error || clouds.error} />
    <h2>Clouds</h2>
    <table><thead><tr><th>Cloud</th><th>Priority</th><th>Workers</th><th class="wide">Load</th></tr></thead>
      <tbody>${[...byCloud.values()].map((c) => html`<tr data-cloud=${c.name}>
        <td>${c.name}</td><td>${c.priority}</td><td>${c.workers}</td><td><${Load} active=${c.active} slots=${c.slots} /></td>
      </tr>`)}</tbody></table>
    <h2>Workers</h2>
    ${workers.data && list.length === 0
      ? html`<p class="empty">No worker reported in the last minute. Start one with <code>nommer worker</code>.</p>`
      : html`<table><thead><tr><th>Worker</th><th>Host</th><th>Clouds</th><th class="wide">Load</th><th>Encoder</th>
          <th>Stacks</th><th>Started</th><th>Last seen</th></tr></thead>
        <tbody>${list.map((w) => html`<tr data-worker=${w.id}>
          <td class="mono">${w.id}</td><td>${w.host || ''}</td><td>${w.clouds.join(', ')}</td>
          <td><${Load} active=${w.active} slots=${w.slots} /></td><td>${w.encoder}</td><td>${w.stacks.join(', ')}</td>
          <td title=${w.started_at}>${ago(w.started_at)}</td><td title=${w.last_seen}>${ago(w.last_seen)}</td>
        </tr>`)}</tbody></table>`}
  </section>`;
}
