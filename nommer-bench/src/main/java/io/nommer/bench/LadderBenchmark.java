package io.nommer.bench;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfmpegEncoder;
import io.nommer.ffmpeg.FfprobeProber;
import io.nommer.ffmpeg.LocalProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Times the {@code hls-ladder} preset compiled as one ffmpeg run that decodes the input once and splits it into every
 * rendition ({@link LadderMode#SINGLE_DECODE}) against one run per rendition plus audio and a copy-packaging run
 * ({@link LadderMode#PER_RENDITION}): same renditions, same settings, same files. Runs alternate so that drift in
 * the machine's state hits both alike. Not a test: it prints numbers and asserts nothing.
 *
 * <p>Usage: {@code java -cp ... io.nommer.bench.LadderBenchmark [runs] [source.mp4]}. Without a source it generates
 * (once, cached in {@code java.io.tmpdir}/nommer-bench) a 30-second 1080p30 H.264 clip of testsrc2 with grain and a
 * tone. Target: single-decode wall time at most 0.75 of per-rendition.
 */
public final class LadderBenchmark {
    private static final String PRESET = "hls-ladder";

    private LadderBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        FfmpegBinaries bin = FfmpegBinaries.resolve(null, null);
        Path source = args.length > 1 ? Path.of(args[1]) : generated(bin);
        MediaInfo info = new FfprobeProber(bin).probe(source);
        Profile profile = Presets.find(PRESET).orElseThrow();
        Path work = Files.createTempDirectory("nommer-ladder-bench");
        System.out.printf(
                Locale.ROOT,
                "%s on %s (%.1f s, %s), %d run(s) each, %d cores, ffmpeg %s%n",
                PRESET,
                source,
                info.duration(),
                info.video().map(v -> v.width() + "x" + v.height()).orElse("?"),
                runs,
                Runtime.getRuntime().availableProcessors(),
                bin.ffmpeg());

        List<Double> single = new ArrayList<>();
        List<Double> per = new ArrayList<>();
        List<Double> singleCpu = new ArrayList<>();
        List<Double> perCpu = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                // alternate which goes first, so neither always runs on a cooler machine or a warmer page cache
                boolean singleFirst = i % 2 == 0;
                for (LadderMode mode : singleFirst
                        ? List.of(LadderMode.SINGLE_DECODE, LadderMode.PER_RENDITION)
                        : List.of(LadderMode.PER_RENDITION, LadderMode.SINGLE_DECODE)) {
                    double[] r = once(bin, mode, profile, info, source, work.resolve(mode + "-" + i));
                    (mode == LadderMode.SINGLE_DECODE ? single : per).add(r[0]);
                    (mode == LadderMode.SINGLE_DECODE ? singleCpu : perCpu).add(r[1]);
                    System.out.printf(
                            Locale.ROOT, "  run %d %-14s wall %7.2f s   cpu %7.2f s%n", i + 1, mode, r[0], r[1]);
                }
            }
        } finally {
            deleteTree(work);
        }
        double s = BenchSupport.median(single);
        double p = BenchSupport.median(per);
        System.out.printf(
                Locale.ROOT,
                "single decode   median wall %7.2f s  cpu %7.2f s  runs %s%n",
                s,
                BenchSupport.median(singleCpu),
                fmt(single));
        System.out.printf(
                Locale.ROOT,
                "per rendition   median wall %7.2f s  cpu %7.2f s  runs %s%n",
                p,
                BenchSupport.median(perCpu),
                fmt(per));
        System.out.printf(Locale.ROOT, "ratio single/per (wall) %.3f   (target <= 0.75)%n", s / p);
    }

    /** One encode through the real encoder (ffmpeg runs plus plan steps); wall and ffmpeg CPU seconds. */
    private static double[] once(
            FfmpegBinaries bin, LadderMode mode, Profile profile, MediaInfo info, Path source, Path dir)
            throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        FfmpegEncoder encoder =
                new FfmpegEncoder(bin.ffmpeg(), new LocalProcessRunner(), mode, WorkerConfig.DEFAULT_MAX_INPUT_PIXELS);
        long t0 = System.nanoTime();
        EncodeResult r = encoder.encode(
                new EncodeRequest("bench-" + mode, profile, info, source, out, "bench", Duration.ofHours(1)),
                null,
                new Cancellation());
        double wall = (System.nanoTime() - t0) / 1e9;
        deleteTree(dir);
        return new double[] {wall, r.cpuSeconds()};
    }

    private static Path generated(FfmpegBinaries bin) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "nommer-bench"));
        Path out = dir.resolve("ladder-source-1080p30-30s.mp4");
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Path tmp = dir.resolve("ladder-source.partial.mp4");
        System.out.println("generating " + out + " (once)");
        List<String> cmd = List.of(
                bin.ffmpeg().toString(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=1920x1080:rate=30:duration=30,noise=alls=12:allf=t",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000:duration=30",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "20",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                "-shortest",
                tmp.toString());
        BenchSupport.run(cmd, out.toString());
        Files.move(tmp, out);
        return out;
    }

    private static String fmt(List<Double> xs) {
        return xs.stream()
                .map(x -> String.format(Locale.ROOT, "%.2f", x))
                .toList()
                .toString();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
