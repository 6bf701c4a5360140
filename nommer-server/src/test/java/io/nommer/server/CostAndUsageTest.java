package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Costs and usage through the API, with real encodes (SQLite, one ffmpeg worker): a cloud's price per core-hour
 * prices what its jobs' CPU seconds cost, a new price applies only to work finished afterwards, and
 * {@code GET /v1/usage} sums jobs, CPU, media and bytes in total and per group, each tenant seeing its own.
 */
class CostAndUsageTest {
    @TempDir
    static Path tmp;

    static KeyedServer farm;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        farm = KeyedServer.start(tmp, Map.of());
        admin = farm.admin;
    }

    @AfterAll
    static void stop() {
        if (farm != null) {
            farm.close();
        }
    }

    private static ApiClient tenant(String name) {
        return farm.tenant(name);
    }

    /** Encodes a 4-second clip into an mp4 and thumbnails, and answers the finished job. */
    private static JsonNode encode(ApiClient client, String videoId) {
        Reply upload = client.upload(TestMedia.videoWithAudio(4, 320, 240, 25));
        Reply created = client.post(
                "/v1/jobs",
                "{\"input\": \"" + upload.body().path("uri").asText() + "\", \"metadata\": {\"video_id\": \"" + videoId
                        + "\"}, \"outputs\": [{\"preset\": \"mp4-h264\"}, {\"preset\": \"thumbnails\", \"frame_count\": 2}]}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        JsonNode job = client.awaitTerminal(created.body().path("id").asText());
        assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");
        return job;
    }

    private static Reply price(double pricePerCoreHour) {
        return admin.put("/v1/clouds/default", "{\"price_per_core_hour\": " + pricePerCoreHour + "}");
    }

    @Test
    void aJobCostsItsCpuSecondsAtThePriceWhenItFinished_andANewPriceLeavesEarlierCostsAlone() {
        Reply set = price(0.05);
        assertThat(set.status()).as("%s", set.body()).isEqualTo(200);
        assertThat(set.body().path("price_per_core_hour").asDouble()).isEqualTo(0.05);
        assertThat(set.body().path("priority").asInt()).as("left out, so kept").isZero();
        JsonNode first = encode(admin, "first");
        double cpu = first.path("cpu_seconds").asDouble();
        assertThat(cpu).isPositive();
        assertThat(first.path("cost").asDouble()).isCloseTo(cpu * 0.05 / 3600, within(2e-6));
        for (JsonNode output : first.path("outputs")) {
            assertThat(output.path("cost").asDouble())
                    .isCloseTo(output.path("cpu_seconds").asDouble() * 0.05 / 3600, within(2e-6));
        }

        price(3.6);
        JsonNode again = admin.get("/v1/jobs/" + first.path("id").asText()).body();
        JsonNode second = encode(admin, "second");

        assertThat(again.path("cost").asDouble())
                .as("finished before the new price")
                .isEqualTo(first.path("cost").asDouble());
        assertThat(second.path("cost").asDouble())
                .isCloseTo(second.path("cpu_seconds").asDouble() * 3.6 / 3600, within(2e-6));
        assertThat(admin.get("/v1/clouds/default")
                        .body()
                        .path("price_per_core_hour")
                        .asDouble())
                .isEqualTo(3.6);
    }

    @Test
    void usage_sumsATenantsJobsInTotalAndPerGroup_andATenantSeesOnlyItsOwn() {
        price(1.0);
        ApiClient acme = tenant("acme-usage");
        ApiClient globex = tenant("globex-usage");
        JsonNode a1 = encode(acme, "v1");
        JsonNode a2 = encode(acme, "v2");
        encode(globex, "v1");

        JsonNode byVideo = acme.get("/v1/usage?group_by=metadata.video_id").body();

        assertThat(byVideo.path("tenant").asText()).isEqualTo("acme-usage");
        JsonNode total = byVideo.path("total");
        assertThat(total.path("jobs").asLong()).isEqualTo(2);
        assertThat(total.path("outputs").asLong()).isEqualTo(4);
        double cpu = a1.path("cpu_seconds").asDouble() + a2.path("cpu_seconds").asDouble();
        assertThat(total.path("cpu_seconds").asDouble()).isCloseTo(cpu, within(0.002));
        assertThat(total.path("cost").asDouble()).isCloseTo(cpu / 3600, within(2e-6));
        assertThat(total.path("unpriced_cpu_seconds").asDouble()).isZero();
        assertThat(total.path("media_minutes_in").asDouble())
                .as("two 4 s inputs")
                .isCloseTo(8 / 60.0, within(0.01));
        assertThat(total.path("media_minutes_out").asDouble())
                .as("two 4 s mp4s (thumbnails have no duration)")
                .isCloseTo(8 / 60.0, within(0.01));
        assertThat(total.path("bytes_in").asLong())
                .isEqualTo(a1.path("input_info").path("size").asLong()
                        + a2.path("input_info").path("size").asLong());
        long bytesOut = 0;
        for (JsonNode job : new JsonNode[] {a1, a2}) {
            for (JsonNode output : job.path("outputs")) {
                for (JsonNode file : output.path("files")) {
                    bytesOut += file.path("size").asLong();
                }
            }
        }
        assertThat(total.path("bytes_out").asLong()).isEqualTo(bytesOut);
        Map<String, Long> jobsPerVideo = new HashMap<>();
        byVideo.path("groups")
                .forEach(g -> jobsPerVideo.put(
                        g.path("key").asText(), g.path("usage").path("jobs").asLong()));
        assertThat(jobsPerVideo).isEqualTo(Map.of("v1", 1L, "v2", 1L));

        JsonNode byPreset = acme.get("/v1/usage?group_by=preset").body();
        assertThat(byPreset.path("groups"))
                .extracting(g -> g.path("key").asText())
                .containsExactly("mp4-h264", "thumbnails");
        assertThat(byPreset.path("groups")
                                .get(0)
                                .path("usage")
                                .path("cpu_seconds")
                                .asDouble()
                        + byPreset.path("groups")
                                .get(1)
                                .path("usage")
                                .path("cpu_seconds")
                                .asDouble())
                .isCloseTo(cpu, within(0.002));

        JsonNode byTenant = admin.get("/v1/usage?group_by=tenant").body();
        assertThat(byTenant.path("groups"))
                .extracting(g -> g.path("key").asText())
                .contains("acme-usage", "globex-usage");
        assertThat(acme.get("/v1/usage?tenant=globex-usage").status()).isEqualTo(422);
        assertThat(admin.get("/v1/usage?tenant=acme-usage")
                        .body()
                        .path("total")
                        .path("jobs")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void usage_refusesAnUnknownGroupingAndABackwardWindow() {
        Reply grouping = admin.get("/v1/usage?group_by=colour");
        assertThat(grouping.status()).isEqualTo(422);
        assertThat(grouping.body().path("field").asText()).isEqualTo("group_by");
        Reply window = admin.get("/v1/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");
        assertThat(window.status()).isEqualTo(422);
        assertThat(window.body().path("field").asText()).isEqualTo("from");
        Reply price = admin.put("/v1/clouds/default", "{\"price_per_core_hour\": -1}");
        assertThat(price.status()).isEqualTo(422);
        assertThat(price.body().path("field").asText()).isEqualTo("price_per_core_hour");
        assertThat(admin.put("/v1/clouds/default", "{\"price_per_core_hour\": \"cheap\"}")
                        .status())
                .isEqualTo(422);
    }
}
