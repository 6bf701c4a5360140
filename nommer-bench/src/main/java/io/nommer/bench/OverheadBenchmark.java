package io.nommer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nommer.cli.NommerClient;
import io.nommer.core.compile.EncodePlan;
import io.nommer.core.compile.FfmpegCommand;
import io.nommer.core.compile.ProfileCompiler;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfprobeProber;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the same encode through nommer (HTTP submit to observed success, one in-process worker) and through plain
 * ffmpeg with identical arguments, and prints the overhead. Not a test: it prints numbers and asserts nothing.
 *
 * <p>Usage: {@code java -cp ... io.nommer.bench.OverheadBenchmark [runs] [preset]}; see BENCHMARKS.md.
 */
public final class OverheadBenchmark {
    private OverheadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String preset = args.length > 1 ? args[1] : "mp4-h264";
        boolean skipLong = Arrays.asList(args).contains("--short-only");
        Path dir = Files.createTempDirectory("nommer-bench");
        FfmpegBinaries bin = FfmpegBinaries.resolve(null, null);
        Path shortClip = generate(bin, dir.resolve("short.mp4"), "640x360", 2);
        Path longClip = skipLong ? null : generate(bin, dir.resolve("long-1080p.mp4"), "1920x1080", 60);

        Map<String, String> flags = Map.of(
                "port", "0", "data", dir.resolve("data").toString(), "workers", "1", "input_roots", dir.toString());
        try (NommerServer server = NommerServer.start(ConfigLoader.load(flags, Map.of()))) {
            NommerClient client = new NommerClient(URI.create(server.baseUrl()));
            System.out.printf(Locale.ROOT, "preset %s, %d run(s) each, ffmpeg %s%n", preset, runs, bin.ffmpeg());
            report("short clip (2 s 640x360)", bin, client, shortClip, preset, runs, dir);
            if (longClip != null) {
                report("60 s 1080p clip", bin, client, longClip, preset, Math.max(1, runs / 2), dir);
            }
        }
    }

    private static void report(
            String label, FfmpegBinaries bin, NommerClient client, Path input, String preset, int runs, Path dir)
            throws Exception {
        // Warm-up of both paths (JIT, page cache) before measuring.
        plain(bin, input, preset, dir);
        viaNommer(client, input, preset);
        List<Double> plain = new ArrayList<>();
        List<Double> nommer = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            plain.add(plain(bin, input, preset, dir));
            nommer.add(viaNommer(client, input, preset));
        }
        double p = BenchSupport.median(plain);
        double n = BenchSupport.median(nommer);
        System.out.printf(
                Locale.ROOT,
                "%-26s plain ffmpeg %8.3f s   nommer %8.3f s   overhead %+7.0f ms   ratio %.3f%n",
                label,
                p,
                n,
                (n - p) * 1000,
                n / p);
        System.out.printf(Locale.ROOT, "%-26s plain runs %s%n%-26s nommer runs %s%n", "", fmt(plain), "", fmt(nommer));
    }

    /** Plain ffmpeg with the arguments nommer would use, including the ffprobe nommer runs first. */
    private static double plain(FfmpegBinaries bin, Path input, String preset, Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("plain-out"));
        long t0 = System.nanoTime();
        MediaInfo info = new FfprobeProber(bin).probe(input);
        Profile profile = Presets.find(preset).orElseThrow();
        EncodePlan plan = new ProfileCompiler().compile(profile, info, input, out, "out");
        for (FfmpegCommand c : plan.commands()) {
            List<String> cmd = new ArrayList<>();
            cmd.add(bin.ffmpeg().toString());
            cmd.addAll(c.args());
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("plain ffmpeg failed: " + cmd);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double viaNommer(NommerClient client, Path input, String preset) throws Exception {
        ObjectNode job = client.mapper().createObjectNode();
        job.put("input", input.toUri().toString());
        job.putArray("outputs").addObject().put("preset", preset);
        // why: the end time is the job's own finished_at (server and benchmark share this machine's clock), so the
        // benchmark can poll rarely; polling every few ms would itself take CPU from ffmpeg on a small machine.
        Instant t0 = Instant.now();
        String id = client.submit(job).path("id").asText();
        while (true) {
            Thread.sleep(250);
            JsonNode j = client.job(id);
            String s = j.path("state").asText();
            if (s.equals("succeeded")) {
                Instant end = Instant.parse(j.path("finished_at").asText());
                return Duration.between(t0, end).toNanos() / 1e9;
            }
            if (s.equals("failed") || s.equals("cancelled")) {
                throw new IllegalStateException("job " + id + " " + s + ": " + j);
            }
        }
    }

    private static Path generate(FfmpegBinaries bin, Path out, String size, int seconds)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(
                bin.ffmpeg().toString(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=" + size + ":rate=30:duration=" + seconds,
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-shortest",
                out.toString());
        BenchSupport.run(cmd, out.toString());
        return out;
    }

    private static String fmt(List<Double> xs) {
        return xs.stream()
                .map(x -> String.format(Locale.ROOT, "%.3f", x))
                .toList()
                .toString();
    }
}
