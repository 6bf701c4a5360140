// Plays one scenario and posts what happened to /result, for BrowserPlayersTest.
//
// Query string: id (echoed back), player (hlsjs | dashjs | dashjs-mss | shaka | native), src (manifest URL),
// heights (the rungs' picture heights, comma-separated; empty for native playback, where rungs cannot be forced),
// seconds (the stream's length, which playback must reach).
//
// Steps, each with its own timeout: loaded (the player lists exactly the expected rungs), playing, advanced
// (currentTime moved), lowest and highest (a forced rung shows up as video.videoHeight), ended. The first step that
// fails, or the first fatal player error, ends the run. Every player error, fatal or not, is in the result; the test
// decides which of them fail the scenario.
'use strict';

const params = new URLSearchParams(location.search);
const scenario = {
  id: params.get('id'),
  player: params.get('player'),
  src: params.get('src'),
  heights: (params.get('heights') || '').split(',').filter((h) => h !== '').map(Number),
  seconds: Number(params.get('seconds')),
};
const video = document.getElementById('video');
const started = performance.now();
const steps = [];
const errors = [];
let fatal = null;
let playerVersion = null;
let finished = false;

const TIMEOUTS = {loaded: 15000, playing: 10000, advanced: 10000, lowest: 15000, highest: 15000, ended: 20000};
// why: the content is a few seconds long; 2x keeps a run short while forced rung switches still land before the end
// (at 4x, Shaka's switch of an AES-128 ladder, fetched and decrypted again, once ran out of stream on a loaded
// 2-core machine), and the stretch after them runs at 8x (Chromium mutes audio above 4x, which does not matter: the
// video is muted)
const RATE = 2;
const FINAL_RATE = 8;

const ms = () => Math.round(performance.now() - started);

function state() {
  const buffered = [];
  for (let i = 0; i < video.buffered.length; i++) {
    buffered.push([+video.buffered.start(i).toFixed(3), +video.buffered.end(i).toFixed(3)]);
  }
  return {
    currentTime: +video.currentTime.toFixed(3),
    duration: video.duration,
    readyState: video.readyState,
    networkState: video.networkState,
    paused: video.paused,
    ended: video.ended,
    videoWidth: video.videoWidth,
    videoHeight: video.videoHeight,
    buffered,
    mediaError: video.error ? {code: video.error.code, message: video.error.message} : null,
  };
}

function step(name, detail) {
  steps.push({step: name, ms: ms(), detail: detail === undefined ? null : detail});
}

/** Records a player error; a fatal one stops the step being waited for. */
function playerError(error, isFatal) {
  const entry = Object.assign({ms: ms(), fatal: isFatal}, error);
  errors.push(entry);
  if (isFatal && fatal === null) {
    fatal = entry;
  }
}

class StepFailure extends Error {}

/**
 * Resolves once check() returns a truthy value (or once the promise in options.until settles); rejects on timeout, on
 * a fatal player error, or when playback ended first and options.failIfEnded is set.
 */
function waitFor(name, check, options = {}) {
  const timeout = TIMEOUTS[name];
  const begun = ms();
  return new Promise((resolve, reject) => {
    let timer = null;
    const settle = (fn, value) => {
      clearInterval(timer);
      fn(value);
    };
    const fail = (message) => settle(reject, new StepFailure(`${name}: ${message}`));
    if (options.until) {
      options.until.then((value) => settle(resolve, value), (e) => settle(reject, e));
    }
    const poll = () => {
      let value;
      try {
        value = check();
      } catch (e) {
        fail(e && e.message ? e.message : String(e));
        return;
      }
      if (value) {
        settle(resolve, value);
      } else if (fatal !== null) {
        fail(`the player reported a fatal error: ${JSON.stringify(fatal)}`);
      } else if (options.failIfEnded && video.ended) {
        fail(`playback ended first (waiting for ${options.waitingFor})`);
      } else if (ms() - begun > timeout) {
        fail(`timed out after ${timeout} ms` + (options.waitingFor ? ` waiting for ${options.waitingFor}` : ''));
      }
    };
    timer = setInterval(poll, 50);
    poll();
  });
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new StepFailure(`loaded: cannot load ${src}`));
    document.head.appendChild(s);
  });
}

/** What the page needs from a player: its video rungs after loading, and a way to force one. */
const players = {
  async hlsjs(src) {
    await loadScript('/node_modules/hls.js/dist/hls.min.js');
    if (!Hls.isSupported()) {
      throw new StepFailure('loaded: hls.js says this browser lacks Media Source Extensions');
    }
    playerVersion = Hls.version;
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (event, data) => playerError({
      type: data.type,
      details: data.details,
      url: (data.frag && data.frag.url) || (data.context && data.context.url) || data.url || null,
      response: data.response ? data.response.code : null,
      message: data.error ? String(data.error.message || data.error) : null,
      reason: data.reason || null,
    }, data.fatal));
    const parsed = new Promise((resolve) => hls.on(Hls.Events.MANIFEST_PARSED, resolve));
    hls.loadSource(src);
    hls.attachMedia(video);
    await parsed;
    return {
      rungs: hls.levels.map((l, i) => ({index: i, height: l.height, bandwidth: l.bitrate})),
      force: (rung) => {
        hls.currentLevel = rung.index;
      },
    };
  },

  async dashjs(src, smooth) {
    await loadScript('/node_modules/dashjs/dist/modern/umd/dash.all.min.js');
    if (smooth) {
      // why: the MSS plugin registers dashjs.MssHandler, which MediaPlayer picks up when it is created
      await loadScript('/node_modules/dashjs/dist/modern/umd/dash.mss.min.js');
    }
    const events = dashjs.MediaPlayer.events;
    const player = dashjs.MediaPlayer().create();
    playerVersion = player.getVersion();
    player.updateSettings({debug: {logLevel: dashjs.Debug.LOG_LEVEL_WARNING}});
    player.on(events.ERROR, (e) => playerError({
      event: 'error',
      code: e.error ? e.error.code : null,
      message: e.error ? e.error.message : null,
      data: e.error && e.error.data ? JSON.stringify(e.error.data).slice(0, 200) : null,
    }, true));
    player.on(events.PLAYBACK_ERROR, (e) => playerError({event: 'playbackError', message: String(e.error)}, true));
    const initialized = new Promise((resolve) => player.on(events.STREAM_INITIALIZED, resolve));
    player.initialize(video, src, false);
    await initialized;
    return {
      rungs: player.getRepresentationsByType('video').map((r, i) => ({
        index: i, height: r.height, bandwidth: r.bandwidth,
      })),
      force: (rung) => {
        player.updateSettings({streaming: {abr: {autoSwitchBitrate: {video: false}}}});
        player.setRepresentationForTypeByIndex('video', rung.index, true);
      },
    };
  },

  'dashjs-mss': (src) => players.dashjs(src, true),

  async shaka(src) {
    await loadScript('/node_modules/shaka-player/dist/shaka-player.compiled.js');
    shaka.polyfill.installAll();
    playerVersion = shaka.Player.version;
    if (!shaka.Player.isBrowserSupported()) {
      throw new StepFailure('loaded: Shaka Player says this browser is not supported');
    }
    const player = new shaka.Player();
    const describe = (e) => ({
      code: e.code,
      category: e.category,
      severity: e.severity,
      data: JSON.stringify(e.data).slice(0, 200),
    });
    player.addEventListener('error', (e) => playerError(describe(e.detail), e.detail.severity === 2));
    await player.attach(video);
    try {
      await player.load(src);
    } catch (e) {
      throw new StepFailure(`loaded: Shaka refused the manifest: ${JSON.stringify(describe(e))}`);
    }
    return {
      rungs: player.getVariantTracks().map((t) => ({index: t.id, height: t.height, bandwidth: t.bandwidth, track: t})),
      force: (rung) => {
        player.configure({abr: {enabled: false}});
        player.selectVariantTrack(rung.track, true);
      },
    };
  },

  // Chromium's own HLS playback: no rungs to list or force
  async native(src) {
    if (!video.canPlayType('application/vnd.apple.mpegurl')) {
      throw new StepFailure('loaded: this browser does not play HLS in <video> itself');
    }
    playerVersion = navigator.userAgent.match(/Chrome\/[\d.]+/)[0];
    const metadata = new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, {once: true}));
    // why: without it the element fetches in no-cors mode, and Chromium's HLS playback refuses to mix a response
    // from another origin (the key server's) into the stream ("insecure media request"); with it, every request is
    // a CORS request, as the script players make them
    video.crossOrigin = 'anonymous';
    video.src = src;
    await metadata;
    return {rungs: [], force: null};
  },
};

async function run() {
  video.addEventListener('error', () => playerError({event: 'video error', mediaError: state().mediaError}, true));
  const player = players[scenario.player];
  if (!player) {
    throw new StepFailure(`loaded: unknown player ${scenario.player}`);
  }
  const loaded = await waitFor('loaded', () => false, {until: player(scenario.src), waitingFor: 'the player to load'});
  const heights = loaded.rungs.map((r) => r.height).sort((a, b) => b - a);
  step('loaded', {rungs: loaded.rungs.map((r) => ({index: r.index, height: r.height, bandwidth: r.bandwidth}))});
  if (loaded.force !== null && JSON.stringify(heights) !== JSON.stringify(scenario.heights)) {
    throw new StepFailure(`loaded: the player lists rungs of heights ${heights}, expected ${scenario.heights}`);
  }

  video.playbackRate = RATE;
  video.play().catch((e) => playerError({event: 'play() rejected', message: String(e)}, true));
  await waitFor('playing', () => !video.paused && video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA);
  const startedAt = video.currentTime;
  step('playing', {currentTime: startedAt});
  await waitFor('advanced', () => video.currentTime >= startedAt + 0.5, {waitingFor: 'currentTime to move'});
  step('advanced', {currentTime: video.currentTime});

  if (loaded.force !== null) {
    const lowest = loaded.rungs.reduce((a, b) => (b.height < a.height ? b : a));
    const highest = loaded.rungs.reduce((a, b) => (b.height > a.height ? b : a));
    // why: a switch to the rung already showing would prove nothing, so go to the other extreme first
    const order = video.videoHeight === lowest.height ? [['highest', highest], ['lowest', lowest]]
      : [['lowest', lowest], ['highest', highest]];
    for (const [name, rung] of order) {
      loaded.force(rung);
      await waitFor(name, () => video.videoHeight === rung.height, {
        failIfEnded: true,
        waitingFor: `videoHeight ${rung.height} (rung ${rung.index})`,
      });
      step(name, {rung: rung.index, height: rung.height, currentTime: video.currentTime});
    }
  }

  video.playbackRate = FINAL_RATE;
  await waitFor('ended', () => video.ended, {waitingFor: '"ended"'});
  step('ended', {currentTime: video.currentTime, duration: video.duration});
  if (Math.abs(video.currentTime - scenario.seconds) > 0.5) {
    throw new StepFailure(`ended: at ${video.currentTime} s, in a ${scenario.seconds}-second stream`);
  }
}

async function finish(failure) {
  if (finished) {
    return;
  }
  finished = true;
  const result = {
    id: scenario.id,
    player: scenario.player,
    playerVersion,
    src: scenario.src,
    userAgent: navigator.userAgent,
    failure,
    steps,
    errors,
    state: state(),
  };
  await fetch('/result', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(result)});
}

window.addEventListener('error', (e) => finish(`page error: ${e.message} at ${e.filename}:${e.lineno}`));
window.addEventListener('unhandledrejection', (e) => finish(`unhandled rejection: ${e.reason}`));
run().then(
  () => finish(null),
  (e) => finish(e instanceof StepFailure ? e.message : `page error: ${e && e.stack ? e.stack : e}`),
);
