package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import io.nommer.ffmpeg.testing.Pixels;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.TestMedia;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SD television presets and fields on real outputs, read back with ffprobe and from decoded pixels: frame size,
 * exact frame rate, field order, pixel and display aspect, letterbox bars, shapes kept round, and fields that carry
 * their own instants.
 */
class TelevisionIntegrationTest {
    private static FfmpegBinaries bin;
    private static FfprobeProber prober;
    private static FfmpegEncoder encoder;

    @BeforeAll
    static void ffmpeg() {
        bin = TestMedia.requireFfmpeg();
        prober = new FfprobeProber(bin);
        encoder = new FfmpegEncoder(bin);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ntsc-sd-mpeg2, mpeg2video, 720, 480, 30000/1001, tt, 8:9",
        "pal-sd-mpeg2,  mpeg2video, 720, 576, 25/1,       tt, 16:15",
        "ntsc-sd-h264,  h264,       720, 480, 30000/1001, tt, 8:9",
        "pal-sd-h264,   h264,       720, 576, 25/1,       tt, 16:15",
        "ntsc-dv,       dvvideo,    720, 480, 30000/1001, bb, 8:9",
        "pal-dv,        dvvideo,    720, 576, 25/1,       bb, 16:15",
    })
    void preset_isInterlacedSdAt4By3_withTheHdSourceLetterboxedAndRound(
            String preset, String codec, int width, int height, String rate, String fields, String sar)
            throws Exception {
        Path out = encode(preset, Presets.find(preset).orElseThrow(), squareOnGrey());

        Map<String, String> s = stream(out);
        assertThat(s)
                .containsEntry("codec_name", codec)
                .containsEntry("width", Integer.toString(width))
                .containsEntry("height", Integer.toString(height))
                .containsEntry("r_frame_rate", rate)
                .containsEntry("sample_aspect_ratio", sar)
                .containsEntry("display_aspect_ratio", "4:3");
        if (!codec.equals("dvvideo")) {
            // ffprobe 5.1 does not read DV's field order from the stream; the decoded frames below carry it
            assertThat(s).containsEntry("field_order", fields);
        }
        assertThat(firstFrame(out))
                .containsEntry("interlaced_frame", "1")
                .containsEntry("top_field_first", fields.equals("tt") ? "1" : "0");

        // 16:9 into 4:3: an eighth of the height is black above and below the picture
        Picture p = Picture.decode(out, width, height, 10);
        int bar = height / 8;
        assertThat(p.rowMean(2)).as("top bar").isLessThan(40);
        assertThat(p.rowMean(bar - 3)).as("inside the top bar").isLessThan(40);
        assertThat(p.rowMean(bar + 3)).as("picture below the bar").isGreaterThan(80);
        assertThat(p.rowMean(height - bar - 4))
                .as("picture above the bottom bar")
                .isGreaterThan(80);
        assertThat(p.rowMean(height - bar + 2)).as("bottom bar").isLessThan(40);
        assertRound(p, sar);
    }

    @Test
    void displayAspect16By9_fillsTheFrameWithWidePixels_andTheSquareStaysSquare() throws Exception {
        Profile profile = Presets.find("pal-sd-h264")
                .orElseThrow()
                .overlay(ProfileJson.parse("{\"display_aspect_ratio\": \"16:9\"}"));

        Path out = encode("pal-16x9", profile, squareOnGrey());

        assertThat(stream(out))
                .containsEntry("sample_aspect_ratio", "64:45")
                .containsEntry("display_aspect_ratio", "16:9")
                .containsEntry("field_order", "tt");
        Picture p = Picture.decode(out, 720, 576, 10);
        assertThat(p.rowMean(2)).as("no bar at the top").isGreaterThan(80);
        assertThat(p.rowMean(573)).as("no bar at the bottom").isGreaterThan(80);
        assertRound(p, "64:45");
    }

    @ParameterizedTest(name = "{0} source")
    @CsvSource({"60000/1001, 6, 6.75", "30000/1001, 12, 0"})
    void progressiveSource_fieldsComeFromTheirOwnInstants_whenTheSourceHasThem(
            String sourceRate, int step, double shift) throws Exception {
        // a bar moving about 360 px/s: at 59.94p each field of the 29.97i output is its own frame, 1/59.94 s apart
        // (6 source pixels, 6.75 output pixels: 640 display pixels are 720 stored); at 29.97p both fields show the
        // same instant
        Path source = movingBar("bar-" + sourceRate.replace('/', '-') + ".mp4", 640, 480, sourceRate, step);

        Path out = encode(
                "bar-" + sourceRate.replace('/', '-'),
                Presets.find("ntsc-sd-h264").orElseThrow(),
                source);

        Picture p = Picture.decode(out, 720, 480, 20);
        assertThat(p.barCentre(1) - p.barCentre(0))
                .as("bottom field's bar right of the top field's (tff: top is earlier)")
                .isCloseTo(shift, within(1.0));
    }

    @ParameterizedTest(name = "field_order {0}")
    @CsvSource({"tff, tt, 6", "bff, bb, -6"})
    void interlacedSource_keepsItsFields_orReordersThem(String order, String probed, double shift) throws Exception {
        // a PAL 25i source, top field first, each field its own instant of a bar moving 6 px per field
        Path source = movingBar(
                "bar-pal-25i.ts",
                720,
                576,
                "50",
                6,
                ",interlace=scan=tff:lowpass=0,setsar=16/15",
                List.of("-c:v", "mpeg2video", "-q:v", "2", "-flags", "+ilme+ildct", "-top", "1", "-f", "mpegts"));
        assertThat(prober.probe(source).video().orElseThrow().fieldOrder()).isEqualTo("tt");
        Profile profile = Presets.find("pal-sd-h264")
                .orElseThrow()
                .overlay(ProfileJson.parse("{\"field_order\": \"" + order + "\"}"));

        Path out = encode("pal-keep-" + order, profile, source);

        assertThat(stream(out)).containsEntry("field_order", probed).containsEntry("r_frame_rate", "25/1");
        Picture p = Picture.decode(out, 720, 576, 10);
        // the field shown first holds the earlier instant: the bar is further left in it
        assertThat(p.barCentre(1) - p.barCentre(0)).isCloseTo(shift, within(1.0));
    }

    /** The white square's width, shown through pixels {@code sar} wide, equals its height within 3%. */
    private static void assertRound(Picture p, String sar) {
        String[] r = sar.split(":");
        double pixelAspect = Double.parseDouble(r[0]) / Double.parseDouble(r[1]);
        int[] box = p.brightBox();
        double shownWidth = box[0] * pixelAspect;
        assertThat(shownWidth)
                .as("shown width of the square vs its height %s", box[1])
                .isCloseTo(box[1], within(box[1] * 0.03));
    }

    private static Path encode(String taskId, Profile profile, Path input) {
        EncodeRequest r = new EncodeRequest(
                taskId,
                profile,
                prober.probe(input),
                input,
                TestMedia.newDirectory(taskId),
                "out",
                Duration.ofMinutes(2));
        return encoder.encode(r, null, new Cancellation()).files().get(0).path();
    }

    /** 1280x720 (16:9), mid grey with a white 240x240 square in the middle, 2 s at 25 fps, with a tone. */
    private static Path squareOnGrey() {
        return TestMedia.generate(
                "square-on-grey.mp4",
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=0x808080:s=1280x720:r=25:d=2",
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=white:s=240x240:r=25:d=2",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=frequency=440:sample_rate=48000:duration=2"),
                List.of(
                        "-filter_complex",
                        "[0:v][1:v]overlay=x=520:y=240:shortest=1",
                        "-c:v",
                        "libx264",
                        "-qp",
                        "0",
                        "-pix_fmt",
                        "yuv420p",
                        "-c:a",
                        "aac"));
    }

    /**
     * A white bar 24 pixels wide crossing a black picture {@code step} pixels a frame (even, so 4:2:0 does not round
     * it), 2 s at {@code rate}, lossless.
     */
    private static Path movingBar(String name, int w, int h, String rate, int step) {
        return movingBar(name, w, h, rate, step, "", List.of("-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p"));
    }

    /** Like {@link #movingBar(String, int, int, String, int)}, then {@code filters}, written with {@code options}. */
    private static Path movingBar(
            String name, int w, int h, String rate, int step, String filters, List<String> options) {
        List<String> out = new ArrayList<>(
                List.of("-filter_complex", "[0:v][1:v]overlay=x='40+n*" + step + "':y=0:shortest=1" + filters));
        out.addAll(options);
        return TestMedia.generate(
                name,
                List.of(
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=black:s=" + w + "x" + h + ":r=" + rate + ":d=2",
                        "-f",
                        "lavfi",
                        "-i",
                        "color=c=white:s=24x" + h + ":r=" + rate + ":d=2"),
                out);
    }

    private static Map<String, String> stream(Path file) {
        return keyValues(List.of(
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,width,height,r_frame_rate,field_order,sample_aspect_ratio,display_aspect_ratio",
                file.toString()));
    }

    private static Map<String, String> firstFrame(Path file) {
        return keyValues(List.of(
                "-select_streams",
                "v:0",
                "-read_intervals",
                "%+#1",
                "-show_entries",
                "frame=interlaced_frame,top_field_first",
                file.toString()));
    }

    private static Map<String, String> keyValues(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(bin.ffprobe().toString(), "-v", "error", "-of", "default=nw=1"));
        cmd.addAll(args);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : StreamingFiles.run(cmd).output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    /** One decoded frame, as stored (fields woven), and what the tests measure on it. */
    private record Picture(Pixels pixels, int width, int height) {
        static Picture decode(Path video, int width, int height, int frame) {
            return new Picture(Pixels.frame(video, width, height, frame), width, height);
        }

        int at(int x, int y) {
            return pixels.brightness(x, y);
        }

        double rowMean(int y) {
            long sum = 0;
            for (int x = 0; x < width; x++) {
                sum += at(x, y);
            }
            return (double) sum / width;
        }

        /** Width and height of the box around the bright (white) pixels. */
        int[] brightBox() {
            int minX = width, maxX = -1, minY = height, maxY = -1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    if (at(x, y) > 200) {
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            return new int[] {maxX - minX + 1, maxY - minY + 1};
        }

        /** The mean column of bright pixels on the rows of one field: 0 the top (even rows), 1 the bottom. */
        double barCentre(int field) {
            long sum = 0;
            long n = 0;
            for (int y = field + 40; y < height - 40; y += 2) {
                for (int x = 0; x < width; x++) {
                    if (at(x, y) > 128) {
                        sum += x;
                        n++;
                    }
                }
            }
            return (double) sum / n;
        }
    }
}
