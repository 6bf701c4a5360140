package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.nommer.core.testing.Await;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import io.nommer.store.postgres.EmbeddedPostgresServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small farm: an orchestrator and three worker JVMs (null encoder, 20 ms per task, so that batches are in flight) on
 * one PostgreSQL, thousands of jobs, and one worker killed with SIGKILL while it holds leases. Every job must succeed and be reported exactly once: one terminal transition
 * per job means one webhook per job, so duplicates or losses anywhere in claim, complete or finalization show up at
 * the receiver.
 */
class ClusterTest {
    static final int JOBS = 3000;

    @TempDir
    Path tmp;

    @Test
    void threeWorkers_thousandsOfJobs_oneKilled_eachJobCompletesExactlyOnce() throws Exception {
        Map<String, AtomicInteger> webhooks = new ConcurrentHashMap<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/hook", ex -> {
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ex.getRequestBody());
            webhooks.computeIfAbsent(body.path("job").path("id").asText(), k -> new AtomicInteger())
                    .incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        sink.start();
        List<Process> workers = new ArrayList<>();
        Map<String, String> shared = new LinkedHashMap<>();
        shared.put("store", EmbeddedPostgresServer.shared().newDatabaseUrl());
        shared.put("lease_seconds", "3");
        Map<String, String> serve = new LinkedHashMap<>(shared);
        serve.putAll(Map.of(
                "port",
                "0",
                "workers",
                "0",
                "data",
                tmp.resolve("orchestrator").toString(),
                // the webhook sink is on loopback
                "allow_private_networks",
                "true"));
        try (NommerServer orchestrator = NommerServer.start(ConfigLoader.load(serve, Map.of()))) {
            NommerClient client = new NommerClient(URI.create(orchestrator.baseUrl()));
            String input = client.upload(Files.writeString(tmp.resolve("tiny.bin"), "never read by the null encoder"))
                    .path("uri")
                    .asText();
            String hook = "http://127.0.0.1:" + sink.getAddress().getPort() + "/hook";
            for (int i = 0; i < 3; i++) {
                workers.add(worker(shared, "w" + i));
            }

            Set<String> ids = new HashSet<>();
            for (int batch = 0; batch < JOBS / 1000; batch++) {
                List<ObjectNode> jobs = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    ObjectNode job = client.mapper().createObjectNode();
                    job.put("input", input).put("notify_url", hook);
                    job.putArray("outputs").addObject().put("preset", "mp4-h264");
                    jobs.add(job);
                }
                client.submitBulk(jobs)
                        .path("jobs")
                        .forEach(j -> ids.add(j.path("id").asText()));
            }
            assertThat(ids).hasSize(JOBS);
            Await.until("some jobs done", Duration.ofSeconds(60), () -> webhooks.size() > JOBS / 5);
            workers.get(0).destroyForcibly(); // SIGKILL mid-batch: its leases are left to expire
            workers.get(0).waitFor();
            workers.add(worker(shared, "w3"));

            Await.until("every job reported", Duration.ofSeconds(180), () -> webhooks.size() >= JOBS);
            Thread.sleep(2000); // room for a duplicate to show up
            assertThat(webhooks.keySet()).isEqualTo(ids);
            assertThat(webhooks.values())
                    .allSatisfy(n -> assertThat(n.get()).as("webhooks per job").isEqualTo(1));

            int succeeded = 0;
            int retried = 0;
            String cursor = null;
            do {
                JsonNode page =
                        client.get("/v1/jobs?state=succeeded&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
                for (JsonNode j : page.path("jobs")) {
                    succeeded++;
                    assertThat(j.path("outputs").get(0).path("state").asText()).isEqualTo("succeeded");
                    if (j.path("outputs").get(0).path("attempt").asInt() > 1) {
                        retried++;
                    }
                }
                cursor = page.hasNonNull("next_cursor")
                        ? page.path("next_cursor").asText()
                        : null;
            } while (cursor != null);
            assertThat(succeeded).isEqualTo(JOBS);
            assertThat(retried)
                    .as("tasks the killed worker held, run again after their lease expired")
                    .isPositive();
        } finally {
            workers.forEach(Process::destroyForcibly);
            sink.stop(0);
        }
    }

    private Process worker(Map<String, String> shared, String name) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(shared);
        settings.put("data", tmp.resolve(name).toString());
        return NommerJvm.start(
                tmp.resolve(name + ".log"),
                settings,
                "worker",
                "--slots",
                "2",
                "--encoder",
                "null",
                "--null-encoder-pause-ms",
                "20");
    }
}
