package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.scaling.LocalWorkers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler with the {@code local} provider and real worker processes, on the embedded default (SQLite and local
 * files), as {@code nommer serve} runs it: from no workers, a burst of jobs grows the farm to its maximum, a worker
 * killed with SIGKILL is replaced, every job succeeds with its output published once, and the workers exit once the
 * queue has been empty for their idle time.
 */
class LocalScalingTest {
    @TempDir
    Path tmp;

    NommerServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
    }

    LocalWorkers local;

    private static void submit(NommerClient client, String input, int n, List<String> into) throws Exception {
        for (int i = 0; i < n; i++) {
            into.add(client.submit(client.mapper()
                            .readTree("{\"input\": \"" + input + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}"))
                    .path("id")
                    .asText());
        }
    }

    /** The worker processes the scaler started and that are alive (their ids end in their process ids). */
    private List<ProcessHandle> workerProcesses() {
        return local.alive("default").stream()
                .map(id -> ProcessHandle.of(Long.parseLong(id.substring(id.lastIndexOf('-') + 1))))
                .flatMap(Optional::stream)
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    @Test
    void aBurstGrowsTheFarmToItsMaximum_aKilledWorkerIsReplaced_andIdleWorkersExit() throws Exception {
        TestMedia.requireFfmpeg();
        Map<String, String> settings =
                Map.of("data", tmp.resolve("data").toString(), "lease_seconds", "3", "workers", "0", "port", "0");
        ServerConfig config = ConfigLoader.load(settings, Map.of());
        local = ServiceCommands.localWorkers(config, settings);
        server = NommerServer.start(config, List.of(local));
        NommerClient client = new NommerClient(URI.create(server.baseUrl()));
        JsonNode cloud = client.put("/v1/clouds/default", client.mapper().readTree("""
                {"scaling": {"provider": "local", "min_workers": 0, "max_workers": 3, "slots_per_worker": 1,
                             "scale_up_cooldown_seconds": 0, "exit_when_idle_seconds": 5}}"""));
        assertThat(cloud.path("scaling").path("max_workers").asInt()).isEqualTo(3);
        assertThat(workerProcesses()).as("no work, no workers").isEmpty();

        String input = client.upload(TestMedia.videoWithAudio(6, 640, 360, 25))
                .path("uri")
                .asText();
        List<String> jobs = new ArrayList<>();
        submit(client, input, 8, jobs);

        Await.until(
                "three worker processes",
                Duration.ofSeconds(60),
                () -> workerProcesses().size() == 3);
        Await.until(
                "three workers reporting",
                Duration.ofSeconds(60),
                () -> client.get("/v1/workers").path("workers").size(),
                n -> n == 3);
        // why: on a loaded machine the first burst can be done by the time three workers report; work still queued
        // when the worker dies is what makes the scaler replace it
        submit(client, input, 4, jobs);
        ProcessHandle victim = workerProcesses().get(0);
        victim.destroyForcibly();
        Await.until(
                "a fourth worker started for the killed one",
                Duration.ofSeconds(60),
                () -> client.get("/v1/clouds/default").path("scaling_status"),
                s -> s.path("workers_started").asInt() >= 4);

        for (String id : jobs) {
            JsonNode job = awaitFinished(client, id);
            assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");
            assertThat(job.path("outputs").get(0).path("files")).hasSize(1);
        }
        Await.until(
                "the idle workers to exit",
                Duration.ofSeconds(60),
                () -> workerProcesses().isEmpty());
        JsonNode status = Await.until(
                "the scaler to see no workers",
                Duration.ofSeconds(20),
                () -> client.get("/v1/clouds/default").path("scaling_status"),
                s -> s.path("current_workers").asInt() == 0);
        assertThat(status.path("workers_started").asInt())
                .as("three for the burst, one for the killed worker, perhaps one more as the queue drained")
                .isBetween(4, 6);
        assertThat(status.path("decisions").asInt()).isPositive();
        assertThat(client.get("/v1/workers").path("workers"))
                .as("those that exited removed themselves; only the killed one may still be listed")
                .allMatch(w -> w.path("id").asText().endsWith("-" + victim.pid()));
    }

    private static JsonNode awaitFinished(NommerClient client, String id) {
        return Await.until(
                "job " + id + " to finish",
                Duration.ofSeconds(120),
                () -> client.job(id),
                job -> Views.finished(job.path("state").asText()));
    }
}
