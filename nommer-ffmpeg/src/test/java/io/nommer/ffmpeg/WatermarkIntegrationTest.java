package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.Watermark;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.testing.Pixels;
import io.nommer.ffmpeg.testing.TestMedia;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Watermarks drawn by real ffmpeg, checked in the decoded pictures: a mid-grey clip, and a 40x20 PNG whose left half
 * is transparent and right half opaque red (or an opaque blue JPEG), so that red (or blue) must appear exactly where
 * the mark's opaque part goes and grey everywhere else.
 */
class WatermarkIntegrationTest {
    private static final int GREY = 128;
    /** What 4:2:0 encoding and the YUV round trip may move a flat colour by. */
    private static final int TOLERANCE = 16;

    private static FfmpegBinaries bin;
    private static FfprobeProber prober;

    @BeforeAll
    static void ffmpeg() {
        bin = TestMedia.requireFfmpeg();
        prober = new FfprobeProber(bin);
    }

    private static Path greyClip(int width, int height) {
        String size = width + "x" + height;
        return TestMedia.generate(
                "grey-" + size + ".mp4",
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=0x808080:s=" + size + ":r=25:d=2",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=frequency=440:sample_rate=48000:duration=2"),
                List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"));
    }

    /** 40x20: the left half fully transparent, the right half opaque red. */
    private static Path halfRedPng() {
        return TestMedia.generate(
                "half-red.png",
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=red:s=40x20,format=rgba,geq=r=255:g=0:b=0:a='if(lt(X,20),0,255)'"),
                List.of("-frames:v", "1"));
    }

    private static Path blueJpeg() {
        return TestMedia.generate(
                "blue.jpg",
                List.of("-f", "lavfi", "-i", "color=c=blue:s=40x20"),
                List.of("-frames:v", "1", "-q:v", "1"));
    }

    /** The image as the worker hands it to the encoder: its probed demuxer and size. */
    private static Watermark watermark(Path image) {
        MediaInfo info = prober.probe(image);
        StreamInfo v = info.video().orElseThrow();
        return new Watermark(image, info.demuxer(), v.width(), v.height());
    }

    private static Profile profile(String preset, String fieldsJson) {
        return Presets.find(preset).orElseThrow().overlay(ProfileJson.parse(fieldsJson));
    }

    private static EncodeResult encode(String name, Profile p, Path input, Path image, LadderMode mode) {
        FfmpegEncoder encoder =
                new FfmpegEncoder(bin.ffmpeg(), new LocalProcessRunner(), mode, WorkerConfig.DEFAULT_MAX_INPUT_PIXELS);
        EncodeRequest request = new EncodeRequest(
                name,
                p,
                prober.probe(input),
                input,
                TestMedia.newDirectory(name),
                "out",
                Duration.ofSeconds(120),
                null,
                null,
                watermark(image));
        return encoder.encode(request, progress -> {}, new Cancellation());
    }

    private static Path only(EncodeResult r, String role) {
        return r.files().stream()
                .filter(f -> f.role().equals(role))
                .map(PlannedFile::path)
                .findFirst()
                .orElseThrow();
    }

    /**
     * Every 4th pixel of {@code picture}: red inside {@code [x0,x1) x [y0,y1)}, grey everywhere else, skipping a
     * 2-pixel band around the edge where 4:2:0 chroma and scaling blend the two.
     */
    private static void assertMarkedOnlyIn(Pixels picture, int width, int height, int x0, int y0, int x1, int y1) {
        assertMarkedOnlyIn(picture, width, height, x0, y0, x1, y1, TOLERANCE);
    }

    private static void assertMarkedOnlyIn(
            Pixels picture, int width, int height, int x0, int y0, int x1, int y1, int tolerance) {
        for (int y = 1; y < height; y += 4) {
            for (int x = 1; x < width; x += 4) {
                boolean inside = x >= x0 + 2 && x < x1 - 2 && y >= y0 + 2 && y < y1 - 2;
                boolean outside = x < x0 - 2 || x >= x1 + 2 || y < y0 - 2 || y >= y1 + 2;
                if (inside) {
                    assertThat(picture.near(x, y, 255, 0, 0, tolerance))
                            .as("red %s", picture.describe(x, y))
                            .isTrue();
                } else if (outside) {
                    assertThat(picture.near(x, y, GREY, GREY, GREY, tolerance))
                            .as("grey %s", picture.describe(x, y))
                            .isTrue();
                }
            }
        }
    }

    @Test
    void aPngWithAlpha_isDrawnAtTheBottomRight_onlyWhereItIsOpaque_forTheWholeVideo() {
        Path clip = greyClip(320, 240);
        EncodeResult r = encode(
                "wm-default",
                profile("mp4-h264", "{\"watermark_url\": \"upload:x\"}"),
                clip,
                halfRedPng(),
                LadderMode.SINGLE_DECODE);
        Path mp4 = only(r, "video");

        // own size 40x20, 2% of 240 = 5 from the right and bottom: x 275-315, y 215-235; opaque from x 295
        assertMarkedOnlyIn(Pixels.firstFrame(mp4, 320, 240), 320, 240, 295, 215, 315, 235);
        // the one-frame image is repeated over every frame, not just the first
        assertThat(prober.probe(mp4).video().orElseThrow().duration()).isCloseTo(2.0, within(0.1));
        assertMarkedOnlyIn(Pixels.lastFrame(mp4, 320, 240), 320, 240, 295, 215, 315, 235);
    }

    @Test
    void halfOpacity_blendsTheMarkWithThePictureBelow() {
        Path mp4 = only(
                encode(
                        "wm-opacity",
                        profile("mp4-h264", "{\"watermark_url\": \"upload:x\", \"watermark_opacity\": 0.5}"),
                        greyClip(320, 240),
                        halfRedPng(),
                        LadderMode.SINGLE_DECODE),
                "video");

        Pixels p = Pixels.firstFrame(mp4, 320, 240);
        // (255 + 128) / 2 and (0 + 128) / 2
        assertThat(p.near(305, 225, 191, 64, 64, TOLERANCE))
                .as(p.describe(305, 225))
                .isTrue();
        assertThat(p.near(285, 225, GREY, GREY, GREY, TOLERANCE))
                .as(p.describe(285, 225))
                .isTrue();
    }

    @Test
    void twoPasses_seeTheSameMarkedFrames() {
        EncodeResult r = encode(
                "wm-two-pass",
                profile("mp4-h264", "{\"watermark_url\": \"upload:x\", \"two_pass\": true, \"video_bitrate\": 400}"),
                greyClip(320, 240),
                halfRedPng(),
                LadderMode.SINGLE_DECODE);

        assertThat(r.runs()).containsExactly("pass 1 of 2", "pass 2 of 2");
        assertMarkedOnlyIn(Pixels.firstFrame(only(r, "video"), 320, 240), 320, 240, 295, 215, 315, 235);
    }

    @Test
    void aJpeg_isOpaque_sizedAndPlacedByPixelsAndPercentages() {
        Path mp4 = only(
                encode(
                        "wm-jpeg",
                        profile(
                                "mp4-h264",
                                "{\"watermark_url\": \"upload:x\", \"watermark_left\": 10, \"watermark_top\": \"10%\","
                                        + " \"watermark_width\": \"25%\"}"),
                        greyClip(320, 240),
                        blueJpeg(),
                        LadderMode.SINGLE_DECODE),
                "video");

        // 25% of 320 = 80 wide, 40 high (the image's 2:1), from x 10 and y 24 (10% of 240)
        Pixels p = Pixels.firstFrame(mp4, 320, 240);
        for (int[] xy : new int[][] {{14, 28}, {50, 44}, {86, 60}}) {
            assertThat(p.near(xy[0], xy[1], 0, 0, 255, TOLERANCE + 8))
                    .as("blue %s", p.describe(xy[0], xy[1]))
                    .isTrue();
        }
        for (int[] xy : new int[][] {{6, 44}, {94, 44}, {50, 20}, {50, 68}, {200, 200}}) {
            assertThat(p.near(xy[0], xy[1], GREY, GREY, GREY, TOLERANCE))
                    .as("grey %s", p.describe(xy[0], xy[1]))
                    .isTrue();
        }
    }

    @Test
    void thumbnails_areMarked_withWatermarkThumbnails() {
        EncodeResult r = encode(
                "wm-thumbs",
                profile(
                        "thumbnails",
                        "{\"frame_count\": 2, \"watermark_url\": \"upload:x\", \"watermark_thumbnails\": true}"),
                greyClip(320, 240),
                halfRedPng(),
                LadderMode.SINGLE_DECODE);

        assertThat(r.files()).hasSize(2);
        for (PlannedFile f : r.files()) {
            // JPEG rings a little more at the mark's edges than H.264 at this quality
            assertMarkedOnlyIn(Pixels.firstFrame(f.path(), 320, 240), 320, 240, 295, 215, 315, 235, 24);
        }
    }

    /**
     * A two-rung ladder from a 640x360 source: 640x360 and 480x270 (three quarters). The mark is 80 pixels wide at
     * 16,16 on the top rung, so 60x30 at 12,12 on the lower one; its opaque half is x 56-96 on the top rung and x
     * 42-72 on the lower.
     */
    @ParameterizedTest
    @EnumSource(LadderMode.class)
    void everyRungOfALadder_isMarked_atItsScale(LadderMode mode) {
        Profile ladder = profile(
                "hls-ladder",
                "{\"renditions\": 2, \"video_bitrate\": 500, \"watermark_url\": \"upload:x\", \"watermark_width\": 80,"
                        + " \"watermark_left\": 16, \"watermark_top\": 16}");
        EncodeResult r = encode("wm-ladder-" + mode, ladder, greyClip(640, 360), halfRedPng(), mode);
        Path dir = only(r, PlannedFile.MASTER_PLAYLIST).getParent();

        assertMarkedOnlyIn(Pixels.firstFrame(dir.resolve("out-v0-00000.ts"), 640, 360), 640, 360, 56, 16, 96, 56);
        assertMarkedOnlyIn(Pixels.firstFrame(dir.resolve("out-v1-00000.ts"), 480, 270), 480, 270, 42, 12, 72, 42);
    }
}
