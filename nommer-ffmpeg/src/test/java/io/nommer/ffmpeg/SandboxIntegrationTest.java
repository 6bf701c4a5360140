package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.testing.TestMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox itself, with real ffmpeg in real bubblewrap, bypassing everything that keeps hostile names out of
 * commands (the probe's demuxer whitelist, the command allowlist): as if those were wrong, a command that reads a file
 * outside its directories or reaches a listener on loopback must still get nothing. Each attack is first run without
 * the sandbox, to show the test would catch it. Needs bwrap: skipped without it, failed under {@code CI=true}.
 */
class SandboxIntegrationTest {
    private static FfmpegBinaries bin;
    private static ConfinedProcessRunner sandboxed;
    private static final ProcessRunner UNSANDBOXED = new LocalProcessRunner();

    @BeforeAll
    static void bwrap() {
        bin = TestMedia.requireFfmpeg();
        try {
            sandboxed = ConfinedProcessRunner.open(SandboxMode.BWRAP, ProcessLimits.NONE, bin);
        } catch (IllegalArgumentException e) {
            String message =
                    "this test needs a working bubblewrap (Debian: apt-get install bubblewrap): " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: missing tools fail the build instead of skipping tests)");
            }
            Assumptions.abort(message);
        }
    }

    @Test
    void aNormalEncode_inTheSandbox_makesAValidOutput() {
        FfprobeProber prober = new FfprobeProber(bin.ffprobe(), sandboxed, FfprobeProber.DEFAULT_TIMEOUT);
        Path input = TestMedia.videoWithAudio(2, 320, 240, 25);
        for (String preset : List.of("mp4-h264", "thumbnails")) {
            EncodeResult result = encode(sandboxed, "task-" + preset, preset, input);

            assertThat(result.files()).isNotEmpty();
            // probed in the sandbox too: thumbnails through the extension-less link the prober makes in /tmp
            MediaInfo made = prober.probe(result.files().getFirst().path());
            assertThat(made.video().orElseThrow().width()).isEqualTo(320);
            if (preset.equals("mp4-h264")) {
                assertThat(made.duration()).isBetween(1.9, 2.1);
                assertThat(made.audio()).isPresent();
            }
        }
    }

    @Test
    void ffmpeg_cannotReadAFileOutsideItsDirectories_byNameByFileUrlOrByMovieFilter() throws IOException {
        String secret = "NOMMER-SECRET-" + UUID.randomUUID();
        // the host's /tmp, and another task's directory beside the sandboxed run's own
        Path elsewhere = Files.createTempDirectory("nommer-secret");
        Path otherTask = TestMedia.newDirectory("other-task");
        Path text = Files.writeString(elsewhere.resolve("secret.txt"), secret + "\n");
        Path neighbour = Files.writeString(otherTask.resolve("input.txt"), secret + "\n");
        Path video = Files.copy(TestMedia.videoWithAudio(2, 320, 240, 25), elsewhere.resolve("secret.mp4"));

        List<List<String>> attacks = List.of(
                List.of("-f", "data", "-i", text.toString(), "-map", "0", "-c", "copy", "-f", "data", "leak.bin"),
                List.of("-f", "data", "-i", "file:" + text, "-map", "0", "-c", "copy", "-f", "data", "leak.bin"),
                List.of("-f", "data", "-i", neighbour.toString(), "-map", "0", "-c", "copy", "-f", "data", "leak.bin"),
                List.of("-f", "lavfi", "-i", "movie=filename=" + video, "-frames:v", "1", "leak.png"));
        for (List<String> attack : attacks) {
            Path control = TestMedia.newDirectory("control");
            Run open = ffmpeg(UNSANDBOXED, control, attack);
            assertThat(open.result.exitCode())
                    .as("without the sandbox, %s reads the file (else this test proves nothing)", attack)
                    .isZero();
            assertThat(sizes(control))
                    .as("without the sandbox, %s makes a file of it", attack)
                    .anySatisfy(size -> assertThat(size).isPositive());

            Path work = TestMedia.newDirectory("sandboxed");
            Run run = ffmpeg(sandboxed, work, attack);

            assertThat(run.result.exitCode()).as("%s in the sandbox", attack).isNotZero();
            assertThat(run.stderr()).containsAnyOf("No such file or directory", "Error opening", "Invalid argument");
            assertNowhere(secret, work, run);
            assertThat(sizes(work))
                    .as("nothing made of the secret")
                    .allSatisfy(size -> assertThat(size).isZero());
        }
    }

    @Test
    void ffmpeg_cannotWriteOutsideItsDirectory() throws IOException {
        Path elsewhere = Files.createTempDirectory("nommer-elsewhere");
        Path target = elsewhere.resolve("planted.wav");
        List<String> attack = List.of("-f", "lavfi", "-i", "sine=duration=1", target.toString());

        Run open = ffmpeg(UNSANDBOXED, TestMedia.newDirectory("control"), attack);
        assertThat(open.result.exitCode()).isZero();
        assertThat(target)
                .as("without the sandbox the file is written (else this test proves nothing)")
                .exists();
        Files.delete(target);

        Run run = ffmpeg(sandboxed, TestMedia.newDirectory("sandboxed"), attack);

        assertThat(run.result.exitCode()).isNotZero();
        assertThat(target).doesNotExist();
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void aCraftedInputInsideTheDirectory_cannotPullInAFileOutsideIt() throws IOException {
        String secret = "NOMMER-SECRET-" + UUID.randomUUID();
        Path elsewhere = Files.createTempDirectory("nommer-secret");
        // the secret as subtitles, which the concat demuxer opens like any media
        Path subtitles = Files.writeString(
                elsewhere.resolve("secret.srt"), "1\n00:00:00,000 --> 00:00:01,000\n" + secret + "\n");
        String list = "ffconcat version 1.0\nfile '" + subtitles + "'\n";
        List<String> attack =
                List.of("-f", "concat", "-safe", "0", "-i", "list.ffconcat", "-c", "copy", "-f", "srt", "leak.srt");

        Path control = TestMedia.newDirectory("control");
        Files.writeString(control.resolve("list.ffconcat"), list);
        Run open = ffmpeg(UNSANDBOXED, control, attack);
        assertThat(Files.readString(control.resolve("leak.srt")))
                .as("without the sandbox the list pulls the secret in")
                .contains(secret);
        assertThat(open.result.exitCode()).isZero();

        Path work = TestMedia.newDirectory("sandboxed");
        Files.writeString(work.resolve("list.ffconcat"), list);
        Run run = ffmpeg(sandboxed, work, attack);

        assertThat(run.result.exitCode()).isNotZero();
        assertNowhere(secret, work, run);
    }

    @Test
    void ffmpeg_cannotReachAListenerOnLoopback() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            // ends when the listener closes, at the end of the test
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        accepted.incrementAndGet();
                        s.close(); // at once: the client fails fast instead of waiting for an answer
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            String host = "127.0.0.1:" + listener.getLocalPort();
            List<List<String>> attacks = List.of(
                    List.of("-rw_timeout", "3000000", "-i", "http://" + host + "/x", "-f", "null", "-"),
                    List.of("-f", "lavfi", "-i", "sine=duration=1", "-f", "wav", "tcp://" + host + "?timeout=3000000"));
            for (List<String> attack : attacks) {
                accepted.set(0);
                ffmpeg(UNSANDBOXED, TestMedia.newDirectory("control"), attack);
                assertThat(accepted.get())
                        .as("without the sandbox, %s connects (else this test proves nothing)", attack)
                        .isPositive();

                accepted.set(0);
                Run run = ffmpeg(sandboxed, TestMedia.newDirectory("sandboxed"), attack);

                assertThat(run.result.exitCode())
                        .as("%s in the sandbox", attack)
                        .isNotZero();
                assertThat(accepted.get()).as("connections from the sandbox").isZero();
            }
        }
    }

    @Test
    void theCpuLimit_stopsARunaway_andTheEncoderSaysCpuLimitExceeded() {
        ConfinedProcessRunner limited = ConfinedProcessRunner.open(SandboxMode.BWRAP, new ProcessLimits(1, 0), bin);
        List<String> endless = args("-f lavfi -i testsrc2=size=1280x720:rate=30 -t 3600 -c:v libx264 -f null -");

        Run run = ffmpeg(limited, TestMedia.newDirectory("cpu"), endless);

        assertThat(run.result.limitExceeded()).isNotNull();
        assertThat(run.result.limitExceeded().limit()).isEqualTo(ProcessLimits.Limit.CPU);
        assertThat(run.result.elapsed())
                .as("stopped long before the hour of video")
                .isLessThan(Duration.ofSeconds(60));

        Path input = TestMedia.videoWithAudio(10, 640, 360, 25);
        assertThatThrownBy(() -> encode(limited, "task-cpu", "mp4-h264-hi", input))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CPU_LIMIT_EXCEEDED);
                    assertThat(e.getMessage()).contains("task-cpu").contains("encode_cpu_seconds");
                });
    }

    @Test
    void theMemoryLimit_stopsARunThatNeedsMore_asMemoryLimitExceeded() {
        ConfinedProcessRunner limited =
                ConfinedProcessRunner.open(SandboxMode.BWRAP, new ProcessLimits(0, 512L * 1024 * 1024), bin);
        // ffmpeg and its libraries load in about 300 MiB of address space; 8K frames take 50 MB each, and the
        // encoder cannot get the buffers it needs
        List<String> hungry = args("-f lavfi -i testsrc2=size=7680x4320:rate=25 -frames:v 50 -c:v mpeg4 -f null -");

        Run run = ffmpeg(limited, TestMedia.newDirectory("memory"), hungry);

        assertThat(run.result.exitCode()).isNotZero();
        assertThat(run.result.limitExceeded()).as("stderr: %s", run.stderr()).isNotNull();
        assertThat(run.result.limitExceeded().limit()).isEqualTo(ProcessLimits.Limit.MEMORY);
        assertThat(run.result.limitExceeded().errorCode()).isEqualTo(ErrorCode.MEMORY_LIMIT_EXCEEDED);
    }

    /** Probes {@code input} and encodes it with {@code preset} as a worker would, every process run by {@code runner}. */
    private static EncodeResult encode(ProcessRunner runner, String taskId, String preset, Path input) {
        FfprobeProber prober = new FfprobeProber(bin.ffprobe(), runner, FfprobeProber.DEFAULT_TIMEOUT);
        FfmpegEncoder encoder = new FfmpegEncoder(
                bin.ffmpeg(), runner, LadderMode.SINGLE_DECODE, WorkerConfig.DEFAULT_MAX_INPUT_PIXELS);
        EncodeRequest request = new EncodeRequest(
                taskId,
                Presets.find(preset).orElseThrow(),
                prober.probe(input),
                input,
                TestMedia.newDirectory(taskId),
                "out",
                Duration.ofSeconds(120));
        return encoder.encode(request, null, new Cancellation());
    }

    /** Arguments written as ffmpeg's documentation writes them, split at spaces. */
    private static List<String> args(String line) {
        return List.of(line.split(" "));
    }

    private record Run(ProcessResult result, List<String> stdout, List<String> stderrLines) {
        String stderr() {
            return String.join("\n", stderrLines);
        }
    }

    /** Runs ffmpeg with {@code args} in {@code work} (its only writable directory), through {@code runner}. */
    private static Run ffmpeg(ProcessRunner runner, Path work, List<String> args) {
        List<String> command = new ArrayList<>(List.of(bin.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y"));
        command.addAll(args);
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        ProcessResult r =
                runner.run(new ProcessRequest(command, work, Duration.ofSeconds(90), out::add, err::add, null));
        return new Run(r, out, err);
    }

    /** The sizes of the files in {@code dir}. */
    private static List<Long> sizes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> f.toFile().length())
                    .toList();
        }
    }

    /** The secret is in no file of {@code work} and in nothing the process printed. */
    private static void assertNowhere(String secret, Path work, Run run) {
        assertThat(run.stderr()).doesNotContain(secret);
        assertThat(String.join("\n", run.stdout())).doesNotContain(secret);
        try (Stream<Path> files = Files.walk(work)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .as("%s", f)
                            .doesNotContain(secret);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
