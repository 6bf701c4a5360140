package io.nommer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The peer queue beside nommer in {@code ./bench throughput} (issue 19): graphile-worker, pinned by the lock file in
 * {@code nommer-bench/peer}, tuned as its performance page says, run by {@code node peer/graphile.mjs} on its own
 * database of the same PostgreSQL server, with the same job counts and concurrency as nommer's runs. Each run is a
 * fresh node process (its adders and its worker), so that its CPU time is the run's alone.
 */
final class PeerQueue {
    static final String DATABASE = "peer_graphile";

    private final Path script;
    private final String url;
    private final ObjectMapper mapper = new ObjectMapper();

    /** One run: its figures and the CPU time of the node process. */
    record Run(double jobsPerSecond, double cpuSeconds, String version) {}

    private PeerQueue(Path script, String url) {
        this.script = script;
        this.url = url;
    }

    /**
     * The peer on a new database of {@code pg}; the {@code bench} script installs its packages first
     * ({@code npm ci}).
     *
     * @throws IllegalStateException when node or the installed packages are missing, saying how to get them
     */
    static PeerQueue on(EmbeddedPostgres pg, Path peerDir) throws Exception {
        Path script = peerDir.resolve("graphile.mjs").toAbsolutePath();
        if (!Files.isDirectory(peerDir.resolve("node_modules/graphile-worker"))) {
            throw new IllegalStateException("the peer queue is not installed: run npm ci in " + peerDir
                    + " (./bench throughput does), or -Dbench.peer=false to measure nommer alone");
        }
        ThroughputBenchmark.newDatabase(pg, DATABASE);
        return new PeerQueue(script, "postgres://postgres@127.0.0.1:" + pg.getPort() + "/" + DATABASE);
    }

    Run bulk(int jobs, int clients) throws Exception {
        return rate(run("bulk", Integer.toString(jobs), Integer.toString(clients)));
    }

    Run single(int jobs, int clients) throws Exception {
        return rate(run("single", Integer.toString(jobs), Integer.toString(clients)));
    }

    /** Add-to-start for an idle worker: {@code p50_ms}, {@code p99_ms}, {@code max_ms}. */
    JsonNode latency(int samples) throws Exception {
        return run("latency", Integer.toString(samples));
    }

    private Run rate(JsonNode r) {
        return new Run(
                r.path("jobs_per_second").asDouble(),
                r.path("cpu_seconds").asDouble(),
                r.path("version").asText());
    }

    private JsonNode run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), url));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node for the peer queue (" + e.getMessage()
                    + "); install Node.js, or -Dbench.peer=false to measure nommer alone");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT, "the peer queue's run %s failed (exit %d): %s", cmd, p.exitValue(), out));
        }
        return mapper.readTree(out.substring(out.lastIndexOf('\n') + 1));
    }
}
