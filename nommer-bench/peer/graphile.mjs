// The peer queue of ./bench throughput: graphile-worker, tuned as its performance page says (24 concurrent jobs, a
// pool of 25, a local queue of 500, completions and failures batched), running no-op jobs on the PostgreSQL database
// it is given. One run per call; it prints one line of JSON and exits. See BENCHMARKS.md.
//
//   node graphile.mjs URL bulk JOBS CLIENTS     JOBS added 1000 at a time (addJobs) by CLIENTS concurrent adders
//   node graphile.mjs URL single JOBS CLIENTS   JOBS added one at a time (addJob) by CLIENTS concurrent adders
//   node graphile.mjs URL latency SAMPLES       one job at a time to an idle worker: add -> start, in ms
//
// Times: from the first add until the jobs table is empty (graphile-worker deletes a job when it completes), looked
// at every 50 ms as nommer's side looks at its tasks. cpu_seconds is this process's (adders and worker).
import { readFileSync } from "node:fs";
import { Logger, makeWorkerUtils, run, runMigrations } from "graphile-worker";
import pg from "pg";

const [connectionString, mode, countArg, clientsArg] = process.argv.slice(2);
const count = Number(countArg);
const clients = Number(clientsArg ?? 1);
if (!connectionString || !["bulk", "single", "latency"].includes(mode) || !(count > 0) || !(clients > 0)) {
  console.error("usage: node graphile.mjs URL bulk|single JOBS CLIENTS | node graphile.mjs URL latency SAMPLES");
  process.exit(2);
}

const started = new Map();
const tuned = {
  connectionString,
  concurrency: 24,
  maxPoolSize: 25,
  noHandleSignals: true,
  pollInterval: 2000,
  logger: new Logger(() => () => {}),
  preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  taskList: {
    noop: async (payload) => {
      if (payload && payload.sample !== undefined) {
        started.set(payload.sample, Date.now());
      }
    },
  },
};

await runMigrations({ connectionString });
const db = new pg.Pool({ connectionString, max: 1 });
const utils = await makeWorkerUtils({ connectionString, maxPoolSize: clients + 1 });
const runner = await run(tuned);

async function drained() {
  for (;;) {
    const { rows } = await db.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
    if (rows[0].n === 0) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function adders(total, perCall, add) {
  let left = Math.ceil(total / perCall);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        await add();
      }
    }),
  );
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let result;
if (mode === "latency") {
  const ms = [];
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, 20)); // let the worker go idle, waiting on LISTEN
    const before = Date.now();
    await utils.addJob("noop", { sample: i });
    while (!started.has(i)) {
      await new Promise((r) => setTimeout(r, 1));
    }
    ms.push(started.get(i) - before);
  }
  ms.sort((a, b) => a - b);
  const pct = (p) => ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)];
  result = { mode, samples: count, p50_ms: pct(50), p99_ms: pct(99), max_ms: ms[ms.length - 1] };
} else {
  const batch = mode === "bulk" ? 1000 : 1;
  const specs = Array.from({ length: batch }, () => ({ identifier: "noop", payload: {} }));
  await adders(count, batch, () => (batch === 1 ? utils.addJob("noop", {}) : utils.addJobs(specs)));
  const accepted = (performance.now() - t0) / 1000;
  await drained();
  const seconds = (performance.now() - t0) / 1000;
  result = { mode, jobs: count, clients, accepted_seconds: accepted, seconds, jobs_per_second: count / seconds };
}
const cpu = process.cpuUsage(cpu0);
result.cpu_seconds = (cpu.user + cpu.system) / 1e6;
result.version = JSON.parse(
  readFileSync(new URL("node_modules/graphile-worker/package.json", import.meta.url), "utf8"),
).version;
console.log(JSON.stringify(result));
await runner.stop();
await utils.release();
await db.end();
