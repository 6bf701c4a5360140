#!/usr/bin/env bash
# PiCloud's example 4 on this machine (see BENCHMARKS.md, "A library with cost"): a library of N AVIs like the
# seed's rickroll.avi (704x544 mpeg4 at 25 fps, about 2 Mbit/s, mp3 128k at 48 kHz, SECONDS long) encoded into
# flv-320x240 and mp4-mpeg4-320x180 by `nommer batch` against `nommer serve` on its embedded default, with the default
# cloud priced at PiCloud's $0.05 per core-hour, and one worker slot per core (two encodes at once on 2 cores).
#   scripts/library-benchmark.sh [videos=30] [seconds=180]
# The library is generated once into $BENCH_LIBRARY (default target/library-N-SECONDS) and kept; each run uses a
# fresh data folder, so every video is encoded again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-30}"
seconds="${2:-180}"
library="${BENCH_LIBRARY:-$here/target/library-$n-$seconds}"
mkdir -p "$library"
for i in $(seq 1 "$n"); do
  f="$library/video-$(printf %02d "$i").avi"
  [ -s "$f" ] && continue
  echo "library: generating $f" >&2
  # a moving test pattern with grain that changes every frame (so the encoders have real work), a tone per video
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=704x544:rate=25:duration=$seconds,noise=alls=10:allf=t+u,hue=h=$((i * 12))" \
    -f lavfi -i "sine=frequency=$((220 + i * 15)):sample_rate=48000:duration=$seconds" \
    -c:v mpeg4 -b:v 1980k -c:a libmp3lame -b:a 128k -ac 2 -ar 48000 "$f.part.avi"
  mv "$f.part.avi" "$f"
done

"$here/nommer" --version >/dev/null   # builds the command first if its sources changed, before anything is timed
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$here/nommer" serve --port "$port" --data "$data" --input-roots "$library" --workers "$(nproc)" >"$data/serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/v1/presets" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/v1/presets" >/dev/null || { echo "library: the server did not start:" >&2; tail -20 "$data/serve.log" >&2; exit 1; }
curl -sf -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$port/v1/clouds/default" \
  -d '{"price_per_core_hour": 0.05}' >/dev/null
echo "library: $n videos of $seconds s in $library; server on :$port with $(nproc) cores; $(grep -m1 -o 'workers=[0-9]*' "$data/serve.log" || true)" >&2
start=$(date +%s.%N)
"$here/nommer" batch "$library" --preset flv-320x240 --preset mp4-mpeg4-320x180 --server ":$port" \
  --report "$data/report.csv" || true
end=$(date +%s.%N)
echo "library: total wall time $(python3 -c "print(round($end - $start, 1))") s (submit to last finish, uploads none: file: URIs)"
curl -s "http://127.0.0.1:$port/v1/usage?group_by=preset"
echo
cp "$data/report.csv" "$here/target/library-report.csv"
echo "library: report in target/library-report.csv"
