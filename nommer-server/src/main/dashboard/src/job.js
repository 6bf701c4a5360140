// A job: its state and outputs with progress, files with previews, the input's probe facts, the timeline, and the
// cancel and retry actions.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, usePoll } from './api.js';
import { Problem, Progress, State, ago, bytes, cost, duration, time, took } from './format.js';
import { Preview, fileUrl, previewKind } from './preview.js';

const REFRESH_MS = 1500;
/** Segments and per-rendition playlists: listed under the main files, which are shown first. */
const PART = /\.(ts|m4s|aac|vtt|key|cmfv|cmfa|ismv|isma)$|^(init|chunk|segment)|\/.+\.(m3u8|mp4)$/i;

export function JobPage({ id }) {
  const job = usePoll(() => api(`/v1/jobs/${encodeURIComponent(id)}`), REFRESH_MS, [id]);
  const events = usePoll(() => api(`/v1/jobs/${encodeURIComponent(id)}/events`), REFRESH_MS * 2, [id]);
  const [action, setAction] = useState({ busy: null, error: null });
  const j = job.data;

  const act = async (what) => {
    setAction({ busy: what, error: null });
    try {
      await api(`/v1/jobs/${encodeURIComponent(id)}/${what}`, { method: 'POST' });
      setAction({ busy: null, error: null });
    } catch (error) {
      setAction({ busy: null, error });
    }
    job.reload();
    events.reload();
  };

  if (!j) return html`<section><p><a href="#/">← Jobs</a></p><${Problem} error=${job.error} /></section>`;
  const finished = ['succeeded', 'failed', 'cancelled'].includes(j.state);
  return html`<section class="job" data-job-id=${j.id}>
    <p><a href="#/">← Jobs</a></p>
    <div class="toolbar">
      <h1 class="mono">${j.id}</h1>
      <${State} state=${j.state} />
      <div class="grow"><${Progress} value=${j.progress} state=${j.state} /></div>
      <button data-action="cancel" disabled=${finished || action.busy} onClick=${() => act('cancel')}>
        ${action.busy === 'cancel' ? 'Cancelling…' : 'Cancel'}</button>
      <button data-action="retry" disabled=${!(j.state === 'failed' || j.state === 'cancelled') || action.busy}
        onClick=${() => act('retry')}>${action.busy === 'retry' ? 'Retrying…' : 'Retry'}</button>
    </div>
    <${Problem} error=${action.error || job.error} />
    <dl class="facts">
      <dt>Input</dt><dd class="mono">${j.input}</dd>
      <dt>Submitted</dt><dd title=${j.created_at}>${time(j.created_at)} (${ago(j.created_at)})</dd>
      <dt>Ran</dt><dd>${took(j.started_at, j.finished_at) || 'not started'}</dd>
      <dt>Priority, cloud</dt><dd>${j.priority}, ${j.cloud}</dd>
      <dt>CPU</dt><dd>${duration(j.cpu_seconds)}${j.cost == null ? '' : html`, cost ${cost(j.cost)}`}</dd>
      ${Object.keys(j.metadata || {}).length
        ? html`<dt>Metadata</dt><dd class="mono">${JSON.stringify(j.metadata)}</dd>` : null}
    </dl>
    <h2>Outputs</h2>
    ${j.outputs.map((o) => html`<${Output} key=${o.name} output=${o} />`)}
    <h2>Input</h2>
    <${Probe} info=${j.input_info} />
    <h2>Timeline</h2>
    <${Timeline} events=${events.data?.events} error=${events.error} />
  </section>`;
}

function Output({ output: o }) {
  const files = o.files || [];
  // why: the master playlist or manifest first: it is what a player opens
  const first = (f) => (/master|manifest/.test(f.role || '') ? 0 : 1);
  const main = files.filter((f) => !PART.test(f.name)).sort((a, b) => first(a) - first(b));
  const rest = files.filter((f) => PART.test(f.name));
  return html`<div class="output" data-output=${o.name}>
    <div class="toolbar">
      <h3>${o.name}</h3>
      <span class="muted">${o.preset || 'custom profile'}</span>
      <${State} state=${o.state} />
      <div class="grow"><${Progress} value=${o.progress} state=${o.state} /></div>
      <span class="muted">attempt ${o.attempt} of ${o.max_attempts}</span>
      <span class="muted">${took(o.started_at, o.finished_at)}</span>
    </div>
    ${o.waiting_for_stack ? html`<p class="muted">Waiting for a worker with stack ${o.waiting_for_stack}.</p>` : null}
    ${o.error ? html`<div class="problem"><b>${o.error.code}</b>: ${o.error.message}
      ${o.error.log_tail ? html`<pre>${o.error.log_tail}</pre>` : null}</div>` : null}
    ${main.length ? html`<table class="files"><tbody>${main.map((f) => html`<${FileRow} key=${f.name} file=${f} />`)}
      </tbody></table>` : null}
    ${rest.length ? html`<details><summary>${rest.length} more files (segments, renditions)</summary>
      <table class="files"><tbody>${rest.map((f) => html`<${FileRow} key=${f.name} file=${f} />`)}</tbody></table>
      </details>` : null}
  </div>`;
}

function FileRow({ file: f }) {
  const [open, setOpen] = useState(false);
  const kind = previewKind(f.name);
  const shape = [f.width && f.height ? `${f.width}×${f.height}` : null, f.duration ? duration(f.duration) : null]
    .filter(Boolean).join(', ');
  return html`<tr data-file=${f.name}>
    <td class="mono">${f.name}</td><td>${f.role || ''}</td><td>${shape}</td><td>${bytes(f.size)}</td>
    <td class="actions">
      ${kind ? html`<button data-action="preview" onClick=${() => setOpen(!open)}>${open ? 'Hide' : 'Preview'}</button>`
        : null}
      <a href=${fileUrl(f)} download=${f.name}>Download</a>
    </td>
  </tr>
  ${open ? html`<tr class="preview-row"><td colspan="5"><${Preview} file=${f} /></td></tr>` : null}`;
}

function Probe({ info }) {
  if (!info) return html`<p class="muted">Not probed yet: ffprobe runs when the first output starts.</p>`;
  return html`<dl class="facts">
      <dt>Container</dt><dd>${info.container}${info.format_name ? ` (${info.format_name})` : ''}</dd>
      <dt>Duration</dt><dd>${duration(info.duration)}</dd>
      <dt>Size</dt><dd>${bytes(info.size)}</dd>
      <dt>Bit rate</dt><dd>${info.bitrate ? `${Math.round(info.bitrate / 1000)} kb/s` : ''}</dd>
    </dl>
    <table class="streams">
      <thead><tr><th>#</th><th>Type</th><th>Codec</th><th>Picture</th><th>Sound</th><th>Bit rate</th></tr></thead>
      <tbody>${(info.streams || []).map((s) => html`<tr>
        <td>${s.index}</td><td>${s.type}</td><td>${s.codec}</td>
        <td>${s.width ? `${s.width}×${s.height}${s.fps ? ` at ${+s.fps.toFixed(3)} fps` : ''}` : ''}
          ${s.rotation ? ` rotated ${s.rotation}°` : ''}${s.field_order && s.field_order !== 'progressive'
            ? ` ${s.field_order}` : ''}</td>
        <td>${s.sample_rate ? `${s.sample_rate} Hz, ${s.channels} ch` : ''}</td>
        <td>${s.bitrate ? `${Math.round(s.bitrate / 1000)} kb/s` : ''}</td>
      </tr>`)}</tbody>
    </table>`;
}

function Timeline({ events, error }) {
  if (error) return html`<${Problem} error=${error} />`;
  if (!events) return null;
  return html`<ol class="timeline">${events.map((e) => html`<li key=${e.id}>
    <time title=${e.at}>${new Date(e.at).toLocaleTimeString()}</time>
    <span class="event">${e.type}</span>${e.output ? html` <span class="chip">${e.output}</span>` : null}
    ${e.message ? html` <span class="muted">${e.message}</span>` : null}
  </li>`)}</ol>`;
}
