package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.OutputKind;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every preset through real ffmpeg on a generated 2-second 320x240 clip, and the ways an encode stops early. */
class FfmpegEncoderIntegrationTest {
    /**
     * What each preset must produce from the 320x240 25 fps clip with mono 44.1 kHz audio: video codec, width,
     * height, fps (null: not set by the preset), audio codec, sample rate. Presets never upscale.
     */
    private record Expected(
            String videoCodec, Integer width, Integer height, Double fps, String audioCodec, Integer sampleRate) {}

    private static final Map<String, Expected> EXPECTED = Map.ofEntries(
            Map.entry("flv-320x240", new Expected("flv1", 320, 240, 25.0, "mp3", 44100)),
            Map.entry("mp4-mpeg4-320x180", new Expected("mpeg4", 320, 180, 25.0, "aac", 44100)),
            Map.entry("mp4-h264", new Expected("h264", 320, 240, null, "aac", 48000)),
            Map.entry("mp4-h264-hi", new Expected("h264", 320, 240, null, "aac", 48000)),
            Map.entry("webm-vp9", new Expected("vp9", 320, 240, null, "opus", 48000)),
            // television fills its frame, so these scale up
            Map.entry("ntsc-sd-mpeg2", new Expected("mpeg2video", 720, 480, 29.97, "ac3", 48000)),
            Map.entry("pal-sd-mpeg2", new Expected("mpeg2video", 720, 576, 25.0, "mp2", 48000)),
            Map.entry("ntsc-sd-h264", new Expected("h264", 720, 480, 29.97, "aac", 48000)),
            Map.entry("pal-sd-h264", new Expected("h264", 720, 576, 25.0, "aac", 48000)),
            Map.entry("ntsc-dv", new Expected("dvvideo", 720, 480, 29.97, "pcm_s16le", 48000)),
            Map.entry("pal-dv", new Expected("dvvideo", 720, 576, 25.0, "pcm_s16le", 48000)),
            Map.entry("mp3", new Expected(null, null, null, null, "mp3", 44100)),
            Map.entry("m4a-aac", new Expected(null, null, null, null, "aac", 48000)),
            Map.entry("thumbnails", new Expected("mjpeg", 320, 240, null, null, null)));

    private static FfmpegBinaries bin;
    private static FfprobeProber prober;
    private static FfmpegEncoder encoder;

    @BeforeAll
    static void ffmpeg() {
        bin = TestMedia.requireFfmpeg();
        prober = new FfprobeProber(bin);
        encoder = new FfmpegEncoder(bin);
    }

    /** Single-file presets; the adaptive-streaming ones have AdaptiveStreamingIntegrationTest. */
    static Stream<String> presets() {
        return Presets.all().entrySet().stream()
                .filter(e -> !e.getValue().isStreaming())
                .map(Map.Entry::getKey);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void everyPreset_producesWhatItPromises(String preset) {
        Profile profile = Presets.find(preset).orElseThrow();
        Expected want = EXPECTED.get(preset);
        assertThat(want)
                .as("expectations for new preset " + preset + " (add them to EXPECTED)")
                .isNotNull();
        Path input = TestMedia.videoWithAudio(2, 320, 240, 25);
        List<Double> progress = new CopyOnWriteArrayList<>();

        EncodeResult result = encoder.encode(
                request(preset, profile, input, Duration.ofSeconds(60)), progress::add, new Cancellation());

        assertThat(result.cpuSeconds()).isPositive();
        assertThat(progress).isNotEmpty().isSorted();
        assertThat(progress).last().isEqualTo(100.0);
        if (profile.get(Profile.KIND) == OutputKind.THUMBNAILS) {
            assertThat(result.files()).hasSize(profile.get(Profile.FRAME_COUNT));
        } else {
            assertThat(result.files()).hasSize(1);
        }
        for (PlannedFile f : result.files()) {
            assertThat(f.path().getFileName().toString()).endsWith(profile.get(Profile.EXTNAME));
            MediaInfo out = prober.probe(f.path());
            if (want.videoCodec() != null) {
                StreamInfo v = out.video().orElseThrow(() -> new AssertionError(f + " has no video"));
                assertThat(v.codec()).as("video codec").isEqualTo(want.videoCodec());
                assertThat(v.width()).as("width").isEqualTo(want.width());
                assertThat(v.height()).as("height").isEqualTo(want.height());
                if (want.fps() != null) {
                    assertThat(v.fps()).as("fps").isCloseTo(want.fps(), within(0.01));
                }
            } else {
                assertThat(out.video()).as("video stream").isEmpty();
            }
            if (want.audioCodec() != null) {
                StreamInfo a = out.audio().orElseThrow(() -> new AssertionError(f + " has no audio"));
                assertThat(a.codec()).as("audio codec").isEqualTo(want.audioCodec());
                assertThat(a.sampleRate()).as("sample rate").isEqualTo(want.sampleRate());
            } else {
                assertThat(out.audio()).as("audio stream").isEmpty();
            }
            if (profile.get(Profile.KIND) != OutputKind.THUMBNAILS) {
                assertThat(out.duration()).as("duration").isCloseTo(2.0, within(0.25));
            }
        }
    }

    @Test
    void aPictureLargerThanTheLimitMidStream_isInputLimitsExceeded_thoughTheProbeSawASmallOne() {
        EncodeRequest r = request(
                "task-grows",
                Presets.find("mp4-h264").orElseThrow(),
                TestMedia.pictureThatGrows(),
                Duration.ofSeconds(60));
        assertThat(r.input().video().orElseThrow().width())
                .as("what the probe sees")
                .isEqualTo(160);
        FfmpegEncoder limited = new FfmpegEncoder(bin, 320L * 180);

        assertThatThrownBy(() -> limited.encode(r, null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INPUT_LIMITS_EXCEEDED);
                    assertThat(e.getMessage()).contains("640x360", "57600 pixels", "160x90");
                });
        // the same file within the limit encodes
        assertThat(encoder.encode(r, null, new Cancellation()).files()).hasSize(1);
    }

    @Test
    void fps_29_97_isTheExactNtscRate_notTwentyNineNinetySevenHundredths() {
        Path input = TestMedia.videoWithAudio(2, 320, 240, 25);
        Profile profile = Presets.find("mp4-h264").orElseThrow().overlay(ProfileJson.parse("{\"fps\": 29.97}"));

        EncodeResult result =
                encoder.encode(request("task-ntsc", profile, input, Duration.ofSeconds(60)), null, new Cancellation());

        StreamingFiles.Run probe = StreamingFiles.run(List.of(
                bin.ffprobe().toString(),
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=r_frame_rate,avg_frame_rate",
                "-of",
                "csv=p=0",
                result.files().get(0).path().toString()));
        assertThat(probe.output().strip()).isEqualTo("30000/1001,30000/1001");
    }

    /** A white 32x32 square crossing a black 320x240 picture at 100 pixels a second, at 25 fps, lossless. */
    private static Path movingSquare() {
        return TestMedia.generate(
                "moving-square.mp4",
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=black:s=320x240:r=25:d=2",
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=white:s=32x32:r=25:d=2"),
                List.of(
                        "-filter_complex",
                        "[0:v][1:v]overlay=x='40+t*100':y=104:shortest=1",
                        "-c:v",
                        "libx264",
                        "-qp",
                        "0",
                        "-pix_fmt",
                        "yuv420p"));
    }

    /** The horizontal centre of the bright pixels of each frame of a 320x240 video, decoded by ffmpeg. */
    private static double[] squareCentres(Path video) throws Exception {
        Process p = new ProcessBuilder(
                        bin.ffmpeg().toString(),
                        "-v",
                        "error",
                        "-i",
                        video.toString(),
                        "-f",
                        "rawvideo",
                        "-pix_fmt",
                        "gray",
                        "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] raw = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        int size = 320 * 240;
        double[] centres = new double[raw.length / size];
        for (int f = 0; f < centres.length; f++) {
            long sum = 0;
            long n = 0;
            for (int i = 0; i < size; i++) {
                if ((raw[f * size + i] & 0xff) > 128) {
                    sum += i % 320;
                    n++;
                }
            }
            centres[f] = n == 0 ? Double.NaN : (double) sum / n;
        }
        return centres;
    }

    private double[] convertedTo50Fps(String conversion) throws Exception {
        Profile profile = Presets.find("mp4-h264")
                .orElseThrow()
                .overlay(ProfileJson.parse(
                        "{\"fps\": 50, \"frame_rate_conversion\": \"" + conversion + "\", \"h264_crf\": 10}"));
        EncodeResult result = encoder.encode(
                request("task-" + conversion, profile, movingSquare(), Duration.ofSeconds(120)),
                null,
                new Cancellation());
        return squareCentres(result.files().get(0).path());
    }

    @Test
    void motionCompensated_drawsTheInBetweenFrameWithTheObjectHalfway() throws Exception {
        double[] x = convertedTo50Fps("motion_compensated");

        assertThat(x.length).as("frames in 2 s at 50 fps").isBetween(95, 101);
        // away from the ends, every new frame shows the square between its neighbours, about halfway, and it moves
        int distinct = 0;
        for (int i = 10; i < 90; i++) {
            assertThat(x[i])
                    .as("frame %d of %s", i, java.util.Arrays.toString(x))
                    .isCloseTo((x[i - 1] + x[i + 1]) / 2, within(1.0));
            distinct += Math.abs(x[i] - x[i - 1]) > 0.5 ? 1 : 0;
        }
        assertThat(distinct).as("frames that differ from the one before").isEqualTo(80);
    }

    @Test
    void duplicate_repeatsFrames_soHalfOfThemShowNoMovement() throws Exception {
        double[] x = convertedTo50Fps("duplicate");

        int distinct = 0;
        for (int i = 10; i < 90; i++) {
            distinct += Math.abs(x[i] - x[i - 1]) > 0.5 ? 1 : 0;
        }
        assertThat(distinct).as("frames that differ from the one before").isBetween(38, 42);
    }

    @Test
    void twoPass_onAnAviWithBFrames_bothPassesSeeTheSameFrames() {
        // a typical AVI: MPEG-4 part 2 with B-frames and MP3; pass 2 used to see a frame pass 1 did not
        Path avi = TestMedia.generate(
                "b-frames.avi",
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=352x288:rate=25:duration=4",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=duration=4"),
                List.of("-c:v", "mpeg4", "-bf", "2", "-q:v", "5", "-c:a", "libmp3lame", "-shortest"));
        Profile profile = Presets.find("mp4-h264")
                .orElseThrow()
                .with(Profile.TWO_PASS, true)
                .with(Profile.VIDEO_BITRATE, 400);

        EncodeResult result =
                encoder.encode(request("task-2pass", profile, avi, Duration.ofSeconds(60)), null, new Cancellation());

        MediaInfo out = prober.probe(result.files().get(0).path());
        assertThat(out.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(out.duration()).isCloseTo(4.0, within(0.2));
    }

    @Test
    void aFullDisk_isWorkerDiskFull_thoughFfmpegMayExitZero() throws Exception {
        Path input = TestMedia.videoWithAudio(2, 320, 240, 25);
        Path out = TestMedia.newDirectory("full");
        // every write to /dev/full fails with ENOSPC: a disk with no room left, for this one file
        Files.createSymbolicLink(out.resolve("out.mp3"), Path.of("/dev/full"));
        EncodeRequest r = new EncodeRequest(
                "task-full",
                Presets.find("mp3").orElseThrow(),
                prober.probe(input),
                input,
                out,
                "out",
                Duration.ofSeconds(60));

        assertThatThrownBy(() -> encoder.encode(r, null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.WORKER_DISK_FULL);
                    assertThat(e.getMessage()).contains("No space left on device");
                });
    }

    @Test
    void audioOnlyInputIntoAVideoPreset_isNoVideoStream() {
        Path audio = TestMedia.audioOnly(2);
        MediaInfo info = prober.probe(audio);
        EncodeRequest r = new EncodeRequest(
                "task-audio",
                Presets.find("mp4-h264").orElseThrow(),
                info,
                audio,
                TestMedia.newDirectory("out"),
                "out",
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> encoder.encode(r, null, new Cancellation()))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_VIDEO_STREAM));
    }

    @Test
    void videoOnlyInputIntoAVideoPreset_hasNoAudio() {
        Path video = TestMedia.videoOnly(2, 320, 240, 25);

        EncodeResult result = encoder.encode(
                request("video-only", Presets.find("mp4-h264").orElseThrow(), video, Duration.ofSeconds(30)),
                null,
                new Cancellation());

        MediaInfo out = prober.probe(result.files().getFirst().path());
        assertThat(out.video()).isPresent();
        assertThat(out.audio()).isEmpty();
    }

    @Test
    void cancel_killsFfmpegPromptlyAndThrowsCancellation() throws Exception {
        EncodeRequest r = request(
                "task-cancel", slowProfile(), TestMedia.videoWithAudio(20, 320, 240, 25), Duration.ofSeconds(60));
        Cancellation cancel = new Cancellation();
        CountDownLatch progressed = new CountDownLatch(1);
        Thread canceller = Thread.ofVirtual().start(() -> {
            try {
                // cancel after progress started, or after 3 s if the encoder's lookahead has not output anything yet
                progressed.await(3, TimeUnit.SECONDS);
                assertThat(ffmpegFor(r)).as("ffmpeg running before cancel").isNotEmpty();
                cancel.cancel("cancelled by test");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> encoder.encode(r, p -> progressed.countDown(), cancel))
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("task-cancel");

        canceller.join();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(ffmpegFor(r)).as("ffmpeg processes left after cancel").isEmpty();
    }

    @Test
    void timeout_killsFfmpegAndIsEncodeTimeout() {
        EncodeRequest r = request(
                "task-timeout", slowProfile(), TestMedia.videoWithAudio(20, 320, 240, 25), Duration.ofSeconds(2));
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> encoder.encode(r, null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ENCODE_TIMEOUT);
                    assertThat(e.getMessage()).contains("task-timeout");
                });

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(ffmpegFor(r)).as("ffmpeg processes left after timeout").isEmpty();
    }

    @Test
    void ffmpegFailure_isEncodeFailedWithItsLog() {
        // the probe said mov, but the file is not: ffmpeg itself fails on it
        Path input = TestMedia.audioOnly(2);
        MediaInfo lie = new MediaInfo(
                "mp3",
                2.0,
                1L,
                1,
                List.of(new StreamInfo(0, "audio", "mp3", null, null, null, null, 44100, 1, 2.0, null, 0, null)));
        EncodeRequest r = new EncodeRequest(
                "task-fail",
                Presets.find("mp3").orElseThrow(),
                lie,
                input,
                TestMedia.newDirectory("out"),
                "out",
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> encoder.encode(r, null, new Cancellation()))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ENCODE_FAILED);
                    assertThat(e.getMessage()).contains("task-fail").contains("exited with code");
                    assertThat(e.logTail()).isNotBlank();
                });
    }

    /** Upscaling a 20 s clip to 1080p with x264 "veryslow" takes far longer than any of these tests wait. */
    private static Profile slowProfile() {
        return Presets.find("mp4-h264-hi")
                .orElseThrow()
                .overlay(Profile.builder()
                        .set(Profile.UPSCALE, true)
                        .set(Profile.H264_PRESET, "veryslow")
                        .build());
    }

    private static EncodeRequest request(String taskId, Profile profile, Path input, Duration timeout) {
        return new EncodeRequest(
                taskId, profile, prober.probe(input), input, TestMedia.newDirectory(taskId), "out", timeout);
    }

    /** The live ffmpeg processes this JVM started for the request (matched by its output directory). */
    private static List<ProcessHandle> ffmpegFor(EncodeRequest r) {
        String dir = r.outDir().toString();
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info()
                        .arguments()
                        .map(a -> String.join(" ", a).contains(dir))
                        .orElse(false))
                .toList();
    }
}
