// How the dashboard writes times, sizes and states.
import { html } from 'htm/preact';

export function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export function duration(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return '';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How long a job or output ran: to its end, or to now while it runs. */
export function took(startedAt, finishedAt) {
  if (!startedAt) return '';
  const end = finishedAt ? Date.parse(finishedAt) : Date.now();
  return duration((end - Date.parse(startedAt)) / 1000);
}

export function bytes(n) {
  if (n == null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 || n >= 100 ? 0 : 1)} ${units[i]}`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export const State = ({ state }) => html`<span class="state state-${state}" data-state=${state}>${state}</span>`;

export const Progress = ({ value, state }) => {
  const pct = Math.max(0, Math.min(100, value || 0));
  return html`<div class="progress" data-progress=${pct.toFixed(1)} title=${`${pct.toFixed(1)} %`}>
    <div class="bar state-${state}" style=${{ width: `${pct}%` }}></div>
    <span>${Math.floor(pct)} %</span>
  </div>`;
};

export const Problem = ({ error }) =>
  error ? html`<p class="problem" role="alert">${error.message}</p>` : null;

/** A cost in the currency of the cloud's price: cents from 1 up, three significant digits below. */
export function cost(value) {
  return value >= 1 || value === 0 ? value.toFixed(2) : Number(value.toPrecision(3)).toString();
}
