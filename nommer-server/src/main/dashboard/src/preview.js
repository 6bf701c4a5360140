// In-page previews of output files: the browser's own <video>, <audio> and <img>; HLS through hls.js and DASH
// through dash.js, each loaded only when a stream is previewed. A player cannot send an Authorization header, so
// files play from their signed_url when the API gives one (it does whenever keys are required).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

const VIDEO = /\.(mp4|m4v|mov|webm|ogv|mkv)$/i;
const AUDIO = /\.(mp3|m4a|aac|oga|ogg|opus|wav|flac)$/i;
const IMAGE = /\.(jpe?g|png|webp|gif)$/i;

/** How a file can be previewed: video, audio, image, hls, dash, or null. */
export function previewKind(name) {
  if (/\.m3u8$/i.test(name)) return 'hls';
  if (/\.mpd$/i.test(name)) return 'dash';
  if (VIDEO.test(name)) return 'video';
  if (AUDIO.test(name)) return 'audio';
  if (IMAGE.test(name)) return 'image';
  return null;
}

/** Where a browser (or player) can fetch the file without our Authorization header. */
export function fileUrl(file) {
  return file.signed_url || file.url;
}

export function Preview({ file }) {
  const kind = previewKind(file.name);
  const src = fileUrl(file);
  if (kind === 'image') return html`<img class="preview" src=${src} alt=${file.name} />`;
  if (kind === 'audio') return html`<audio class="preview" controls src=${src}></audio>`;
  if (kind === 'video') return html`<video class="preview" controls autoplay muted playsinline src=${src}></video>`;
  return html`<${StreamPreview} kind=${kind} src=${src} />`;
}

function StreamPreview({ kind, src }) {
  const video = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let player = null;
    let stopped = false;
    (async () => {
      try {
        if (kind === 'hls') {
          const { default: Hls } = await import('hls.js');
          if (stopped) return;
          if (!Hls.isSupported()) {
            video.current.src = src; // Safari plays HLS itself
            return;
          }
          // why: no worker, which would be a blob: script the page's Content-Security-Policy refuses
          player = new Hls({ enableWorker: false });
          player.on(Hls.Events.ERROR, (_, d) => d.fatal && setError(`hls.js: ${d.details}`));
          player.loadSource(src);
          player.attachMedia(video.current);
        } else {
          const module = await import('dashjs');
          const dashjs = module.MediaPlayer ? module : module.default;
          if (stopped) return;
          player = dashjs.MediaPlayer().create();
          player.on('error', (e) => setError(`dash.js: ${e.error?.message || e.error?.code || 'error'}`));
          player.initialize(video.current, src, true);
        }
      } catch (e) {
        setError(`the player failed to start: ${e.message}`);
      }
    })();
    return () => {
      stopped = true;
      if (player) (player.destroy || player.reset).call(player);
    };
  }, [kind, src]);
  return html`<div>
    <video class="preview" ref=${video} controls autoplay muted playsinline data-player=${kind}></video>
    ${error ? html`<p class="problem">${error}</p>` : null}
  </div>`;
}
