package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.cli.Views.Cloud;
import io.nommer.cli.Views.Preset;
import io.nommer.cli.Views.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What the farm offers and who works in it: presets, workers, clouds. */
final class FarmCommands {
    private FarmCommands() {}

    @Command(
            name = "presets",
            description = {
                "List the presets and stored profiles.",
                "These are the names --preset takes; a preset the server's ffmpeg cannot run says what it lacks."
            })
    static final class Presets extends ApiCommand {
        Presets(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            NommerClient client = server.client(ctx);
            JsonNode presets = client.get("/v1/presets");
            JsonNode profiles = client.get("/v1/profiles");
            if (printedAsJson(presets, profiles)) {
                return ExitCode.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode p : presets.path("presets")) {
                Preset preset = Views.read(p, Preset.class);
                rows.add(List.of(
                        preset.name(),
                        preset.profile().path("format").asText(""),
                        video(preset.profile()),
                        audio(preset.profile()),
                        preset.runnable() ? "" : "cannot run here: lacks " + String.join(", ", preset.missing())));
            }
            Table.render(List.of("PRESET", "FORMAT", "VIDEO", "AUDIO", ""), rows)
                    .forEach(ctx.out()::println);
            List<List<String>> stored = new ArrayList<>();
            for (JsonNode p : profiles.path("profiles")) {
                stored.add(List.of(p.path("name").asText(), p.path("preset").asText(""), video(p), audio(p)));
            }
            if (!stored.isEmpty()) {
                ctx.out().println();
                Table.render(List.of("STORED PROFILE", "EXTENDS", "VIDEO", "AUDIO"), stored)
                        .forEach(ctx.out()::println);
            }
            return ExitCode.OK;
        }

        /** {@code libx264 1280x720 crf 23}, {@code libx264 ladder of 4}, or empty for audio-only profiles. */
        static String video(JsonNode p) {
            if (!p.hasNonNull("video_codec")) {
                return p.path("kind").asText("").equals("audio") ? "-" : "";
            }
            List<String> parts = new ArrayList<>(List.of(p.path("video_codec").asText()));
            if (p.hasNonNull("renditions")) {
                int n = p.path("renditions").asInt();
                parts.add(n + (n == 1 ? " rendition" : " renditions"));
            } else if (p.hasNonNull("width") && p.hasNonNull("height")) {
                parts.add(p.path("width").asInt() + "x" + p.path("height").asInt());
            }
            if (p.hasNonNull("video_bitrate")) {
                parts.add(p.path("video_bitrate").asInt() + "k");
            } else if (p.hasNonNull("h264_crf")) {
                parts.add("crf " + p.path("h264_crf").asInt());
            } else if (p.hasNonNull("vp9_crf")) {
                parts.add("crf " + p.path("vp9_crf").asInt());
            }
            if (p.path("interlaced").asBoolean(false)) {
                parts.add("interlaced");
            }
            if (p.path("kind").asText("").equals("thumbnails") && p.hasNonNull("frame_count")) {
                parts.add(p.path("frame_count").asInt() + " pictures");
            }
            return String.join(" ", parts);
        }

        static String audio(JsonNode p) {
            if (!p.hasNonNull("audio_codec")) {
                return "-";
            }
            return p.path("audio_codec").asText()
                    + (p.hasNonNull("audio_bitrate")
                            ? " " + p.path("audio_bitrate").asInt() + "k"
                            : "");
        }
    }

    @Command(
            name = "workers",
            description = {
                "List the workers at work.",
                "Those that reported in the last minute, with their clouds and busy slots. Needs an admin key where"
                        + " keys are required."
            })
    static final class Workers extends ApiCommand {
        Workers(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode workers = server.client(ctx).get("/v1/workers");
            if (printedAsJson(workers)) {
                return ExitCode.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            Instant now = Instant.now();
            for (JsonNode w : workers.path("workers")) {
                Worker worker = Views.read(w, Worker.class);
                Instant seen = Views.time(worker.lastSeen());
                rows.add(List.of(
                        worker.id(),
                        worker.host() == null ? "" : worker.host(),
                        String.join(",", worker.clouds()),
                        worker.active() + "/" + worker.slots(),
                        worker.encoder(),
                        seen == null ? "" : Duration.between(seen, now).toSeconds() + " s ago"));
            }
            if (rows.isEmpty()) {
                ctx.out().println("no workers reported in the last minute");
            } else {
                Table.render(List.of("WORKER", "HOST", "CLOUDS", "BUSY", "ENCODER", "LAST SEEN"), rows)
                        .forEach(ctx.out()::println);
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "clouds",
            description = {
                "List the clouds (pools of workers).",
                "Highest priority first, with the workers serving each and their busy slots. Needs an admin key where"
                        + " keys are required.",
                "Create or change one with: curl -X PUT SERVER/v1/clouds/NAME -H 'Content-Type: application/json' -d"
                        + " '{\"priority\": 10, \"price_per_core_hour\": 0.05}'"
            })
    static final class Clouds extends ApiCommand {
        Clouds(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            NommerClient client = server.client(ctx);
            JsonNode clouds = client.get("/v1/clouds");
            JsonNode workers = client.get("/v1/workers");
            if (printedAsJson(clouds, workers)) {
                return ExitCode.OK;
            }
            List<Worker> all = new ArrayList<>();
            workers.path("workers").forEach(w -> all.add(Views.read(w, Worker.class)));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : clouds.path("clouds")) {
                Cloud cloud = Views.read(c, Cloud.class);
                List<Worker> serving = all.stream()
                        .filter(w -> w.clouds().contains(cloud.name()))
                        .toList();
                rows.add(List.of(
                        cloud.name(),
                        Integer.toString(cloud.priority()),
                        Integer.toString(serving.size()),
                        String.format(
                                Locale.ROOT,
                                "%d/%d",
                                serving.stream().mapToInt(Worker::active).sum(),
                                serving.stream().mapToInt(Worker::slots).sum()),
                        cloud.pricePerCoreHour() == null ? "-" : BatchReport.money(cloud.pricePerCoreHour())));
            }
            Table.render(List.of("CLOUD", "PRIORITY", "WORKERS", "BUSY SLOTS", "PRICE/CORE-HOUR"), rows)
                    .forEach(ctx.out()::println);
            return ExitCode.OK;
        }
    }

    @Command(
            name = "usage",
            description = {
                "What the farm did and what it cost: CPU seconds, media minutes, bytes and cost of the jobs created in"
                        + " a window, in total and per cloud, preset, tenant or metadata key.",
                "Cost needs a price on the cloud: PUT /v1/clouds/NAME {\"price_per_core_hour\": 0.05}. A tenant's"
                        + " key sees its own tenant's usage."
            })
    static final class Usage extends ApiCommand {
        @Option(
                names = "--from",
                paramLabel = "TIME",
                converter = JobCommands.Time.class,
                description = "Jobs created at or after TIME: 2026-05-01T12:00:00Z, 2026-05-01 (UTC), or an age such"
                        + " as 90m, 2h, 7d (default: 30 days before --to)")
        Instant from;

        @Option(
                names = "--to",
                paramLabel = "TIME",
                converter = JobCommands.Time.class,
                description = "Jobs created before TIME (same forms; default: now)")
        Instant to;

        @Option(
                names = "--group-by",
                paramLabel = "KEY",
                description = "cloud, preset, tenant or metadata.KEY (a field of the jobs' metadata)")
        String groupBy;

        @Option(names = "--tenant", paramLabel = "NAME", description = "Only this tenant's jobs (admin keys)")
        String tenant;

        Usage(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<String> query = new ArrayList<>();
            if (from != null) {
                query.add("from=" + from);
            }
            if (to != null) {
                query.add("to=" + to);
            }
            if (groupBy != null) {
                query.add("group_by=" + NommerClient.segment(groupBy));
            }
            if (tenant != null) {
                query.add("tenant=" + NommerClient.segment(tenant));
            }
            JsonNode usage =
                    server.client(ctx).get("/v1/usage" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
            if (printedAsJson(usage)) {
                return ExitCode.OK;
            }
            ctx.out()
                    .println("jobs created from " + usage.path("from").asText() + " to "
                            + usage.path("to").asText()
                            + (usage.hasNonNull("tenant")
                                    ? ", tenant " + usage.path("tenant").asText()
                                    : ""));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode g : usage.path("groups")) {
                rows.add(usageRow(g.hasNonNull("key") ? g.path("key").asText() : "(none)", g.path("usage")));
            }
            rows.add(usageRow("total", usage.path("total")));
            Table.render(
                            List.of(
                                    groupBy == null ? "" : groupBy.toUpperCase(Locale.ROOT),
                                    "JOBS",
                                    "OUTPUTS",
                                    "CPU S",
                                    "MIN IN",
                                    "MIN OUT",
                                    "BYTES IN",
                                    "BYTES OUT",
                                    "COST"),
                            rows)
                    .forEach(ctx.out()::println);
            double unpriced = usage.path("total").path("unpriced_cpu_seconds").asDouble();
            if (unpriced > 0) {
                ctx.out()
                        .println(String.format(
                                Locale.ROOT,
                                "%.1f CPU seconds ran in clouds without a price and are not in the cost",
                                unpriced));
            }
            return ExitCode.OK;
        }

        /** The cost, or {@code unknown} for CPU of clouds without a price (all of it, or some: {@code + unknown}). */
        private static String cost(JsonNode u) {
            boolean unpriced = u.path("unpriced_cpu_seconds").asDouble() > 0;
            boolean priced = u.path("cpu_seconds").asDouble()
                    > u.path("unpriced_cpu_seconds").asDouble();
            if (unpriced && !priced) {
                return "unknown";
            }
            return BatchReport.money(u.path("cost").asDouble()) + (unpriced ? " + unknown" : "");
        }

        private static List<String> usageRow(String key, JsonNode u) {
            return List.of(
                    key,
                    u.path("jobs").asText(),
                    u.path("outputs").asText(),
                    String.format(Locale.ROOT, "%.1f", u.path("cpu_seconds").asDouble()),
                    String.format(
                            Locale.ROOT, "%.1f", u.path("media_minutes_in").asDouble()),
                    String.format(
                            Locale.ROOT, "%.1f", u.path("media_minutes_out").asDouble()),
                    Format.bytes(u.path("bytes_in").asLong()),
                    Format.bytes(u.path("bytes_out").asLong()),
                    cost(u));
        }
    }
}
