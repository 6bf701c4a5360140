package io.nommer.bench;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.ConfinedProcessRunner;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfmpegEncoder;
import io.nommer.ffmpeg.FfprobeProber;
import io.nommer.ffmpeg.LocalProcessRunner;
import io.nommer.ffmpeg.ProcessLimits;
import io.nommer.ffmpeg.ProcessRequest;
import io.nommer.ffmpeg.ProcessRunner;
import io.nommer.ffmpeg.SandboxMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the sandbox and the process limits cost: the same work through a plain runner, through the limits alone
 * ({@code prlimit}), through bubblewrap alone, and through both (what {@code sandbox auto} with the default limits
 * runs here). Two measures, alternating the runners within each round so that drift hits all alike:
 *
 * <ul>
 *   <li>the fixed cost per process: {@code ffmpeg -hide_banner -version}, a process that does almost nothing;
 *   <li>the cost per encode: a probe of the input and an {@code mp4-h264} encode of a 2-second 640x360 clip through
 *       the real {@link FfprobeProber} and {@link FfmpegEncoder}, as a worker runs them.
 * </ul>
 *
 * <p>Usage: {@code java -cp ... io.nommer.bench.SandboxBenchmark [process-runs] [encode-runs]} (defaults 40 and 10).
 * Not a test: it prints medians and asserts nothing.
 */
public final class SandboxBenchmark {
    private SandboxBenchmark() {}

    public static void main(String[] args) throws Exception {
        int processRuns = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int encodeRuns = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        FfmpegBinaries bin = FfmpegBinaries.resolve(null, null);
        ProcessLimits limits = new ProcessLimits(
                ProcessLimits.defaultCpuSeconds(
                        Duration.ofHours(6), Runtime.getRuntime().availableProcessors()),
                ProcessLimits.DEFAULT_MEMORY_BYTES);
        Map<String, ProcessRunner> runners = new LinkedHashMap<>();
        runners.put("plain", new LocalProcessRunner());
        runners.put("limits", ConfinedProcessRunner.open(SandboxMode.OFF, limits, bin));
        runners.put("bwrap", ConfinedProcessRunner.open(SandboxMode.BWRAP, ProcessLimits.NONE, bin));
        runners.put("bwrap+limits", ConfinedProcessRunner.open(SandboxMode.BWRAP, limits, bin));
        System.out.printf(
                Locale.ROOT,
                "%d cores, ffmpeg %s, limits %s; %d process runs and %d encodes per runner%n",
                Runtime.getRuntime().availableProcessors(),
                bin.ffmpeg(),
                limits,
                processRuns,
                encodeRuns);

        Map<String, List<Double>> process = new LinkedHashMap<>();
        runners.keySet().forEach(k -> process.put(k, new ArrayList<>()));
        List<String> version = List.of(bin.ffmpeg().toString(), "-hide_banner", "-version");
        for (int i = 0; i < processRuns + 3; i++) {
            for (Map.Entry<String, ProcessRunner> e : rotated(runners, i)) {
                long t0 = System.nanoTime();
                if (!e.getValue()
                        .run(ProcessRequest.of(version, Duration.ofSeconds(30)))
                        .succeeded()) {
                    throw new IllegalStateException(e.getKey() + ": ffmpeg -version failed");
                }
                if (i >= 3) { // three warm-up rounds
                    process.get(e.getKey()).add((System.nanoTime() - t0) / 1e6);
                }
            }
        }
        report("ffmpeg -version (ms)", process);

        Path work = Files.createTempDirectory("nommer-sandbox-bench");
        try {
            Path input = work.resolve("input.mp4");
            List<String> generate = new ArrayList<>(List.of(bin.ffmpeg().toString()));
            generate.addAll(
                    List.of(("-hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=30:duration=2"
                                    + " -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 -c:v libx264 -c:a aac"
                                    + " -shortest")
                            .split(" ")));
            generate.add(input.toString());
            BenchSupport.run(generate, "the input");
            Profile profile = Presets.find("mp4-h264").orElseThrow();
            Map<String, List<Double>> encode = new LinkedHashMap<>();
            runners.keySet().forEach(k -> encode.put(k, new ArrayList<>()));
            for (int i = 0; i < encodeRuns + 1; i++) {
                for (Map.Entry<String, ProcessRunner> e : rotated(runners, i)) {
                    ProcessRunner runner = e.getValue();
                    Path out = Files.createDirectories(work.resolve(e.getKey() + "-" + i));
                    long t0 = System.nanoTime();
                    MediaInfo info =
                            new FfprobeProber(bin.ffprobe(), runner, FfprobeProber.DEFAULT_TIMEOUT).probe(input);
                    new FfmpegEncoder(
                                    bin.ffmpeg(),
                                    runner,
                                    LadderMode.SINGLE_DECODE,
                                    WorkerConfig.DEFAULT_MAX_INPUT_PIXELS)
                            .encode(
                                    new EncodeRequest(
                                            "bench-" + i, profile, info, input, out, "out", Duration.ofMinutes(5)),
                                    null,
                                    new Cancellation());
                    if (i >= 1) { // one warm-up round
                        encode.get(e.getKey()).add((System.nanoTime() - t0) / 1e6);
                    }
                    BenchSupport.deleteTree(out);
                }
            }
            report("probe + mp4-h264 encode of 2 s 640x360 (ms)", encode);
        } finally {
            BenchSupport.deleteTree(work);
        }
    }

    /** The runners in a different order each round. */
    private static List<Map.Entry<String, ProcessRunner>> rotated(Map<String, ProcessRunner> runners, int round) {
        List<Map.Entry<String, ProcessRunner>> l = new ArrayList<>(runners.entrySet());
        java.util.Collections.rotate(l, round % l.size());
        return l;
    }

    private static void report(String what, Map<String, List<Double>> times) {
        System.out.println(what);
        double plain = BenchSupport.median(times.get("plain"));
        times.forEach((name, xs) -> {
            List<Double> sorted = xs.stream().sorted().toList();
            double median = BenchSupport.median(xs);
            System.out.printf(
                    Locale.ROOT,
                    "  %-13s median %8.1f   p90 %8.1f   vs plain %+7.1f%n",
                    name,
                    median,
                    sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.9))),
                    median - plain);
        });
    }
}
