// The nommer dashboard: a page per route after the #, all data from the API of the server that served it.
import './style.css';
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, onUnauthorized, setApiKey } from './api.js';
import { ActivityPage, ActivitySummary, useActivity } from './activity.js';
import { FleetPage } from './fleet.js';
import { JobPage } from './job.js';
import { JobsPage } from './jobs.js';

/** The route in the address: #/, #/jobs?state=..., #/jobs/ID, #/workers, #/activity. */
function route() {
  const [path, q] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = Object.fromEntries(new URLSearchParams(q || ''));
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'workers') return { page: 'workers' };
  if (parts[0] === 'activity') return { page: 'activity' };
  return { page: 'jobs', params };
}

function navigate(page, params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v && v !== 'all'));
  location.hash = `#/${page}${q.size ? `?${q}` : ''}`;
}

function KeyPrompt({ onDone, rejected }) {
  const submit = (e) => {
    e.preventDefault();
    setApiKey(new FormData(e.target).get('key').trim());
    onDone();
  };
  return html`<form class="key" onSubmit=${submit}>
    <h1>API key</h1>
    <p>${rejected
      ? 'The server refused the key (unknown, revoked or expired), or needs one. '
      : ''}This server requires an API key. It is kept in this browser tab only (sessionStorage) and sent with each
      request as <code>Authorization: Bearer</code>.</p>
    <p class="muted">Make one with <code>nommer keys create --tenant NAME</code> (or <code>--admin</code> to see
      workers and clouds too).</p>
    <input type="password" name="key" placeholder="nk_..." autocomplete="off" required />
    <button type="submit">Use this key</button>
  </form>`;
}

function Header({ current, activity, signedIn, signOut }) {
  const link = (page, label) =>
    html`<a href=${`#/${page === 'jobs' ? '' : page}`} class=${current === page ? 'current' : ''}>${label}</a>`;
  return html`<header>
    <a class="brand" href="#/">nommer</a>
    <nav>${link('jobs', 'Jobs')}${link('activity', 'Activity')}${link('workers', 'Workers and clouds')}</nav>
    <${ActivitySummary} activity=${activity} />
    ${signedIn ? html`<button class="link" onClick=${signOut}>Forget key</button>` : null}
  </header>`;
}

function App() {
  const [where, setWhere] = useState(route());
  const [needKey, setNeedKey] = useState(false);
  const [session, setSession] = useState(0);
  useEffect(() => {
    const changed = () => setWhere(route());
    addEventListener('hashchange', changed);
    onUnauthorized(() => setNeedKey(true));
    return () => removeEventListener('hashchange', changed);
  }, []);
  if (needKey) {
    return html`<${KeyPrompt} rejected=${Boolean(apiKey())} onDone=${() => {
      setNeedKey(false);
      setSession((s) => s + 1);
    }} />`;
  }
  return html`<${Pages} key=${session} where=${where} signOut=${() => {
    setApiKey(null);
    setNeedKey(true);
  }} />`;
}

/** The pages with one key: a new key remounts them, so that everything is fetched again with it. */
function Pages({ where, signOut }) {
  const activity = useActivity(5000);
  return html`<${Header} current=${where.page === 'job' ? 'jobs' : where.page} activity=${activity.data}
      signedIn=${Boolean(apiKey())} signOut=${signOut} />
    <main>
      ${where.page === 'job' ? html`<${JobPage} id=${where.id} />` : null}
      ${where.page === 'jobs' ? html`<${JobsPage} filters=${where.params} navigate=${navigate} />` : null}
      ${where.page === 'workers' ? html`<${FleetPage} />` : null}
      ${where.page === 'activity' ? html`<${ActivityPage} />` : null}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
