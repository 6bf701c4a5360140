// The API, as the dashboard calls it: same origin, the user's key (if any) as a Bearer token, problems as errors.
import { useEffect, useRef, useState } from 'preact/hooks';

const KEY = 'nommer.apiKey';

/** A refusal or failure the API explained (application/problem+json), or a network failure. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let unauthorized = () => {};

/** Called when the API answers 401: the key is missing, wrong, expired or revoked. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

/** Keeps the key for this browser tab only (sessionStorage), or forgets it. */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export async function api(path, { method = 'GET' } = {}) {
  const headers = { Accept: 'application/json' };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(path, { method, headers });
  } catch (e) {
    throw new ApiError(0, `the server did not answer (${e.message})`);
  }
  if (response.status === 204) return null;
  let body = null;
  try {
    body = await response.json();
  } catch {
    // a body that is not JSON: the status says enough
  }
  if (!response.ok) {
    if (response.status === 401) unauthorized();
    const detail = body?.detail || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail, body?.code);
  }
  return body;
}

/**
 * Calls `load` now and every `ms` milliseconds while the component is shown (and when `deps` change); a slow answer
 * never overtakes a newer one. Returns { data, error, reload }.
 */
export function usePoll(load, ms, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const mine = ++generation.current;
    let timer;
    let stopped = false;
    const run = async () => {
      try {
        const data = await load();
        if (mine === generation.current && !stopped) setState({ data, error: null });
      } catch (error) {
        if (mine === generation.current && !stopped) setState((s) => ({ data: s.data, error }));
      }
      if (!stopped) timer = setTimeout(run, ms);
    };
    run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
