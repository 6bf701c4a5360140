package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder's orchestration of ffmpeg runs, against a fake runner replaying recorded ffmpeg output. */
class FfmpegEncoderTest {
    private static final Path FFMPEG = Path.of("/opt/ffmpeg/bin/ffmpeg");
    private static final MediaInfo SIX_SECONDS = new MediaInfo(
            "mov,mp4,m4a,3gp,3g2,mj2",
            6.006,
            2_590_008L,
            1000,
            List.of(
                    new StreamInfo(
                            0,
                            "video",
                            "h264",
                            640,
                            480,
                            29.97,
                            2_511_817L,
                            null,
                            null,
                            6.006,
                            "1:1",
                            0,
                            "progressive"),
                    new StreamInfo(1, "audio", "aac", null, null, null, 69_319L, 44100, 1, 6.0, null, 0, null)));

    @TempDir
    Path out;

    private final List<ProcessRequest> runs = new ArrayList<>();
    private final List<Double> progress = new ArrayList<>();

    /** Replays the recorded vp9 run and writes the planned output file, like ffmpeg would. */
    private ProcessRunner replaying(int exitCode) {
        return r -> {
            runs.add(r);
            Recorded.lines("progress-vp9-6s.txt").forEach(r.stdout());
            Recorded.lines("stderr-vp9-6s.txt").forEach(r.stderr());
            String target = r.command().getLast();
            if (exitCode == 0 && target.startsWith("file:")) {
                write(Path.of(target.substring("file:".length())));
            }
            return new ProcessResult(
                    exitCode, false, false, Recorded.lines("stderr-vp9-6s.txt"), Duration.ofSeconds(2));
        };
    }

    private static void write(Path p) {
        try {
            Files.writeString(p, "media");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EncodeRequest request(Profile profile) {
        return new EncodeRequest(
                "task-7", profile, SIX_SECONDS, Path.of("/work/task/input"), out, "out", Duration.ofMinutes(5));
    }

    @Test
    void singlePass_runsTheCompiledCommandAndReportsProgressAndCpu() {
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, replaying(0));

        EncodeResult result =
                encoder.encode(request(Presets.find("webm-vp9").orElseThrow()), progress::add, new Cancellation());

        assertThat(runs).hasSize(1);
        ProcessRequest run = runs.getFirst();
        assertThat(run.command().getFirst()).isEqualTo(FFMPEG.toString());
        assertThat(run.command())
                .contains("-progress", "pipe:1", "-benchmark", "-c:v", "libvpx-vp9")
                .endsWith("file:" + out.resolve("out.webm"));
        assertThat(run.workDir()).isEqualTo(out);
        assertThat(run.timeout()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(result.files())
                .extracting(f -> f.path().getFileName().toString())
                .containsExactly("out.webm");
        assertThat(result.cpuSeconds()).isCloseTo(2.51, within(1e-9));
        assertThat(progress).isSorted().first().satisfies(p -> assertThat(p).isLessThan(1));
        assertThat(progress.get(1)).isCloseTo(2.054 / 6.006 * 100, within(0.01));
        assertThat(progress).last().isEqualTo(100.0);
    }

    @Test
    void twoPass_splitsProgressEvenlyAndSumsCpuOfBothRuns() {
        Profile twoPass = Presets.find("mp4-h264")
                .orElseThrow()
                .overlay(Profile.builder()
                        .set(Profile.TWO_PASS, true)
                        .set(Profile.VIDEO_BITRATE, 800)
                        .build());
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, replaying(0));

        EncodeResult result = encoder.encode(request(twoPass), progress::add, new Cancellation());

        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).command()).contains("-pass", "1");
        assertThat(runs.get(1).command()).contains("-pass", "2");
        assertThat(result.cpuSeconds()).isCloseTo(2 * 2.51, within(1e-9));
        assertThat(progress).isSorted().contains(50.0).last().isEqualTo(100.0);
        assertThat(progress.stream().filter(p -> p < 50)).hasSize(5);
    }

    @Test
    void overallProgress_isEachRunsShare() {
        assertThat(FfmpegEncoder.overall(0, 1, 42)).isEqualTo(42);
        assertThat(FfmpegEncoder.overall(0, 2, 100)).isEqualTo(50);
        assertThat(FfmpegEncoder.overall(1, 2, 50)).isEqualTo(75);
        assertThat(FfmpegEncoder.overall(1, 2, 100)).isEqualTo(100);
    }

    @Test
    void overallProgress_weighsEachRun() {
        double[] ladder = {1, 0.05};
        assertThat(FfmpegEncoder.overall(ladder, 0, 100)).isCloseTo(100 / 1.05, within(1e-9));
        assertThat(FfmpegEncoder.overall(ladder, 1, 0)).isCloseTo(100 / 1.05, within(1e-9));
        assertThat(FfmpegEncoder.overall(ladder, 1, 100)).isEqualTo(100);
    }

    @Test
    void encryptedHls_keyIsOwnerOnlyOutsideTheOutputs_andDeletedEvenWhenFfmpegFails() {
        Profile encrypted = Presets.find("hls")
                .orElseThrow()
                .overlay(io.nommer.core.testing.Profiles.of(java.util.Map.of(
                        "encryption",
                        true,
                        "encryption_key",
                        "00112233445566778899aabbccddeeff",
                        "encryption_iv",
                        "00112233445566778899aabbccddeeff",
                        "encryption_key_url",
                        "https://k.example/1")));
        Path scratch = io.nommer.core.compile.ProfileCompiler.scratchDir(out);
        List<String> seen = new ArrayList<>();
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, r -> {
            Path key = scratch.resolve("out.key");
            try {
                seen.add(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
                seen.add(Integer.toString(Files.readAllBytes(key).length));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ProcessResult(1, false, false, List.of("Conversion failed!"), Duration.ZERO);
        });

        assertThatThrownBy(() -> encoder.encode(request(encrypted), null, new Cancellation()))
                .isInstanceOf(TaskFailedException.class);

        assertThat(seen).containsExactly("rw-------", "16");
        assertThat(scratch).doesNotExist();
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void nonZeroExit_isEncodeFailedWithExitCodeTaskIdAndLogTail() {
        FfmpegEncoder encoder = new FfmpegEncoder(
                FFMPEG,
                r -> new ProcessResult(1, false, false, Recorded.lines("stderr-truncated-input.txt"), Duration.ZERO));

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ENCODE_FAILED);
                    assertThat(e.getMessage())
                            .contains("task-7")
                            .contains("exited with code 1")
                            .contains("Invalid data found when processing input");
                    assertThat(e.logTail()).contains("moov atom not found");
                });
    }

    @Test
    void lastError_prefersTheActualErrorOverConversionFailed() {
        List<String> tail = List.of(
                "Stream mapping:",
                "[mpeg4 @ 0x5] Error setting option flags to value +4mv.",
                "[aac @ 0x6] Qavg: 118.198",
                "bench: maxrss=57180kB",
                "Conversion failed!");

        assertThat(FfmpegEncoder.lastError(tail))
                .isEqualTo(": [mpeg4 @ 0x5] Error setting option flags to value +4mv.");
        assertThat(FfmpegEncoder.lastError(List.of("frame=  1", "some last words", "bench: maxrss=1kB")))
                .isEqualTo(": some last words");
        assertThat(FfmpegEncoder.lastError(List.of())).isEmpty();
    }

    @Test
    void timeout_isEncodeTimeout() {
        FfmpegEncoder encoder = new FfmpegEncoder(
                FFMPEG, r -> new ProcessResult(137, true, false, List.of("frame=  10"), Duration.ofMinutes(5)));

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ENCODE_TIMEOUT);
                    assertThat(e.getMessage()).contains("task-7").contains("PT5M");
                });
    }

    @Test
    void runStoppedByTheCpuLimit_isCpuLimitExceeded_namingTheSetting() {
        ProcessLimits limits = new ProcessLimits(60, 0);
        FfmpegEncoder encoder = new FfmpegEncoder(
                FFMPEG,
                r -> new ProcessResult(
                        255,
                        false,
                        false,
                        List.of("Exiting normally, received signal 24."),
                        Duration.ofSeconds(40),
                        new ProcessLimits.Exceeded(ProcessLimits.Limit.CPU, limits.describe(ProcessLimits.Limit.CPU))));

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CPU_LIMIT_EXCEEDED);
                    assertThat(e.getMessage())
                            .contains("task-7")
                            .contains("60 CPU seconds")
                            .contains("encode_cpu_seconds");
                    assertThat(e.logTail()).contains("received signal 24");
                });
    }

    @Test
    void runOutOfItsMemory_isMemoryLimitExceeded_namingTheSetting() {
        ProcessLimits limits = new ProcessLimits(0, 512L * 1024 * 1024);
        FfmpegEncoder encoder = new FfmpegEncoder(
                FFMPEG,
                r -> new ProcessResult(
                        1,
                        false,
                        false,
                        List.of("[libx264 @ 0x5] malloc of size 99532800 failed"),
                        Duration.ofSeconds(1),
                        new ProcessLimits.Exceeded(
                                ProcessLimits.Limit.MEMORY, limits.describe(ProcessLimits.Limit.MEMORY))));

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MEMORY_LIMIT_EXCEEDED);
                    assertThat(e.getMessage()).contains("512 MiB").contains("encode_memory_bytes");
                });
    }

    @Test
    void eachRun_namesTheFilesItReadsAndTheDirectoryItWrites_forTheSandbox() {
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, replaying(0));

        encoder.encode(request(Presets.find("webm-vp9").orElseThrow()), null, new Cancellation());

        assertThat(runs).singleElement().satisfies(r -> {
            assertThat(r.workDir()).isEqualTo(out.toAbsolutePath());
            assertThat(r.readable()).containsExactly(Path.of("/work/task/input"));
        });
    }

    @Test
    void cancelledRun_throwsCancellationWithTheReason() {
        Cancellation cancel = new Cancellation();
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, r -> {
            r.cancel().cancel("job cancelled by user");
            return new ProcessResult(137, false, true, List.of(), Duration.ZERO);
        });

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, cancel))
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("task-7")
                .hasMessageContaining("job cancelled by user");
    }

    @Test
    void alreadyCancelled_startsNothing() {
        Cancellation cancel = new Cancellation();
        cancel.cancel("lease lost");
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, replaying(0));

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, cancel))
                .isInstanceOf(CancellationException.class);
        assertThat(runs).isEmpty();
    }

    @Test
    void successfulExitWithoutTheOutputFile_isEncodeFailed() {
        FfmpegEncoder encoder =
                new FfmpegEncoder(FFMPEG, r -> new ProcessResult(0, false, false, List.of(), Duration.ZERO));

        assertThatThrownBy(() ->
                        encoder.encode(request(Presets.find("thumbnails").orElseThrow()), null, new Cancellation()))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENCODE_FAILED))
                .hasMessageContaining("out_01.jpg is missing");
    }

    @Test
    void emptyOutputFile_isEncodeFailed() {
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, r -> {
            try {
                Files.createFile(out.resolve("out.mp3"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ProcessResult(0, false, false, List.of(), Duration.ZERO);
        });

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, new Cancellation()))
                .hasMessageContaining("out.mp3 is empty");
    }

    @Test
    void audioOnlyInputIntoAVideoPreset_isNoVideoStreamBeforeAnythingRuns() {
        MediaInfo audio = new MediaInfo(
                "mp3",
                2.0,
                64_000L,
                10,
                List.of(new StreamInfo(0, "audio", "mp3", null, null, null, 64_000L, 44100, 1, 2.0, null, 0, null)));
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, replaying(0));
        EncodeRequest r = new EncodeRequest(
                "task-8",
                Presets.find("mp4-h264").orElseThrow(),
                audio,
                Path.of("/in"),
                out,
                "out",
                Duration.ofMinutes(1));

        assertThatThrownBy(() -> encoder.encode(r, null, new Cancellation()))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_VIDEO_STREAM));
        assertThat(runs).isEmpty();
    }

    @Test
    void incompleteProfile_isInvalidProfile() {
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, replaying(0));

        assertThatThrownBy(() -> encoder.encode(request(Profile.EMPTY), null, new Cancellation()))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PROFILE))
                .hasMessageContaining("task-7");
    }

    @Test
    void binaryThatCannotStart_isInternal() {
        FfmpegEncoder encoder = new FfmpegEncoder(FFMPEG, r -> {
            throw new UncheckedIOException(new IOException("No such file or directory"));
        });

        assertThatThrownBy(() -> encoder.encode(request(Presets.find("mp3").orElseThrow()), null, new Cancellation()))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining(FFMPEG.toString());
    }
}
