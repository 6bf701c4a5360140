package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.compile.WatermarkOverlay.Placement;
import io.nommer.core.encode.Watermark;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Profile;
import io.nommer.core.testing.Profiles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a watermark goes and how it enters each kind of ffmpeg run. */
class WatermarkOverlayTest {
    static final Path IN = Path.of("/w/input");
    static final Path OUT = Path.of("/w/out");
    static final MediaInfo SOURCE = PresetGoldenTest.SOURCE_1080P;
    /** A 200x100 PNG. */
    static final Watermark LOGO = new Watermark(Path.of("/w/watermark/logo.png"), "png_pipe", 200, 100);

    private final ProfileCompiler compiler = new ProfileCompiler();

    private static Profile marked(String preset, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("watermark_url", "upload:upl_logo");
        return Profiles.preset(preset, all);
    }

    private static Placement place(Map<String, Object> fields, int width, int height, double scale) {
        return WatermarkOverlay.of(marked("mp4-h264", fields), LOGO, 1).place(width, height, scale);
    }

    private List<String> args(Profile p, int command) {
        return compiler.compile(p, SOURCE, IN, OUT, "o", LadderMode.SINGLE_DECODE, LOGO)
                .commands()
                .get(command)
                .args();
    }

    private static String after(List<String> args, String option) {
        return args.get(args.indexOf(option) + 1);
    }

    // ---------------------------------------------------------------- placement

    @Test
    void byDefault_theImagesOwnSize_atTheBottomRight_twoPercentOfTheShorterSideIn() {
        // 2% of 720 = 14.4, rounded to 14
        assertThat(place(Map.of(), 1280, 720, 1)).isEqualTo(new Placement(1280 - 200 - 14, 720 - 100 - 14, 200, 100));
    }

    @Test
    void onAnamorphicFrames_theMarkIsStoredNarrowerOrWider_soItKeepsItsShapeOnScreen() {
        // the 200x100 logo on NTSC 4:3 (pixels shown 8/9 as wide): 225 stored pixels show as 200
        Profile ntsc = marked("ntsc-sd-h264", Map.of("watermark_left", 0, "watermark_top", 0));
        assertThat(WatermarkOverlay.of(ntsc, LOGO, 1).place(720, 480, 1, 8 / 9.0))
                .isEqualTo(new Placement(0, 0, 225, 100));
        // with only a height asked for, the width follows the logo's shape on screen: 100 shown, 94 stored on PAL 4:3
        Profile pal = marked("pal-sd-h264", Map.of("watermark_height", 50));
        assertThat(after(args(pal, 0), "-filter_complex")).contains("scale=94:50:flags=bicubic[wm0]");
    }

    @Test
    void anImageLargerThanTheFrame_isShrunkToFit_keepingItsAspect() {
        assertThat(place(Map.of(), 160, 120, 1)).isEqualTo(new Placement(0, 120 - 80 - 2, 160, 80));
        assertThat(place(Map.of("watermark_width", 4000, "watermark_height", 100), 640, 360, 1)
                        .width())
                .isEqualTo(640);
    }

    @Test
    void oneSideGiven_theOtherFollowsTheImagesAspect_bothGiven_bothAreUsed() {
        assertThat(place(Map.of("watermark_width", 100), 1280, 720, 1))
                .extracting(Placement::width, Placement::height)
                .containsExactly(100, 50);
        assertThat(place(Map.of("watermark_height", "10%"), 1280, 720, 1))
                .extracting(Placement::width, Placement::height)
                .containsExactly(144, 72);
        assertThat(place(Map.of("watermark_width", "50%", "watermark_height", 30), 1280, 720, 1))
                .extracting(Placement::width, Placement::height)
                .containsExactly(640, 30);
    }

    @Test
    void offsets_arePixelsOrPercentages_fromTheEdgeTheyName() {
        assertThat(place(Map.of("watermark_left", 10, "watermark_top", "10%"), 1280, 720, 1))
                .isEqualTo(new Placement(10, 72, 200, 100));
        assertThat(place(Map.of("watermark_right", "5%", "watermark_bottom", 0), 1280, 720, 1))
                .isEqualTo(new Placement(1280 - 200 - 64, 720 - 100, 200, 100));
        // one of a pair given: the other axis keeps the default margin
        assertThat(place(Map.of("watermark_left", 0), 1280, 720, 1)).isEqualTo(new Placement(0, 606, 200, 100));
    }

    @Test
    void theMarkIsKeptInsideTheFrame() {
        assertThat(place(Map.of("watermark_left", "95%", "watermark_top", 700), 1280, 720, 1))
                .isEqualTo(new Placement(1080, 620, 200, 100));
    }

    @Test
    void onASmallerRung_pixelValuesScale_andPercentagesAreOfTheRungsOwnFrame() {
        // a 640x360 rung under a 1280x720 top rung: scale 0.5
        assertThat(place(Map.of("watermark_left", 40, "watermark_top", 20), 640, 360, 0.5))
                .isEqualTo(new Placement(20, 10, 100, 50));
        assertThat(place(Map.of("watermark_width", "10%", "watermark_right", "10%"), 640, 360, 0.5))
                .isEqualTo(new Placement(640 - 64 - 64, 360 - 32 - 7, 64, 32));
    }

    // ---------------------------------------------------------------- the runs

    @Test
    void aVideo_getsTheImageAsSecondInput_andTheOverlayAfterTheGeometry_beforeTheFrameRateConversion() {
        List<String> args =
                args(marked("mp4-h264", Map.of("fps", 50, "frame_rate_conversion", "blend", "clip_length", 1.5)), 0);

        assertThat(String.join(" ", args))
                .contains(
                        "-i file:/w/input -protocol_whitelist file -f png_pipe -i file:/w/watermark/logo.png -t 1.500")
                .contains("-map [v] -map 0:a:0 -filter_complex");
        assertThat(after(args, "-filter_complex"))
                .isEqualTo("[0:v:0]scale=1280:720:flags=bicubic,setsar=1[base]"
                        + ";[1:v]format=rgba,scale=200:100:flags=bicubic[wm0]"
                        + ";[base][wm0]overlay=1066:606,framerate=fps=50[v]");
        assertThat(args).doesNotContain("-vf");
    }

    @Test
    void twoPasses_drawTheSameGraph() {
        Profile p = marked("mp4-h264", Map.of("two_pass", true, "video_bitrate", 800, "watermark_opacity", 0.25));
        List<String> first = args(p, 0);
        List<String> second = args(p, 1);

        assertThat(after(first, "-filter_complex"))
                .isEqualTo(after(second, "-filter_complex"))
                .contains("colorchannelmixer=aa=0.25");
        assertThat(first).containsSequence("-map", "[v]");
        assertThat(second).containsSequence("-map", "[v]");
    }

    @Test
    void thumbnails_areMarkedOnlyWithWatermarkThumbnails() {
        List<String> unmarked = args(marked("thumbnails", Map.of("frame_count", 2)), 0);
        assertThat(unmarked).doesNotContain("-filter_complex", "file:/w/watermark/logo.png");

        List<String> args = args(marked("thumbnails", Map.of("frame_count", 2, "watermark_thumbnails", true)), 0);
        assertThat(String.join(" ", args))
                .contains("-f png_pipe -i file:/w/watermark/logo.png -filter_complex")
                .contains("-map [t0] -frames:v 1")
                .contains("-map [t1] -frames:v 1");
        assertThat(after(args, "-filter_complex"))
                .startsWith("[0:v:0]scale=640:360:flags=bicubic,setsar=1[b0];[1:v:0]scale=640:360")
                .contains("[2:v]format=rgba,split=2[wmi0][wmi1]")
                .endsWith("[b1][wm1]overlay=433:253[t1]");
    }

    @Test
    void aLadderRunPerRendition_marksEachRungAtItsScale() {
        Profile p = marked("hls-ladder", Map.of("watermark_width", 256, "watermark_left", 32, "watermark_top", 32));
        EncodePlan per = compiler.compile(p, SOURCE, IN, OUT, "o", LadderMode.PER_RENDITION, LOGO);

        List<String> top = per.commands().get(0).args();
        List<String> lowest = per.commands().get(3).args();
        assertThat(after(top, "-filter_complex"))
                .endsWith("scale=256:128:flags=bicubic[wm0];[b0][wm0]overlay=32:32[v0]");
        // 320x180 under 1280x720: a quarter
        assertThat(after(lowest, "-filter_complex"))
                .startsWith("[0:v:0]scale=320:180:flags=bicubic,setsar=1[b3];")
                .endsWith("scale=64:32:flags=bicubic[wm0];[b3][wm0]overlay=8:8[v3]");
        assertThat(lowest).containsSequence("-map", "[v3]");
        // the audio and packaging runs read no watermark
        per.commands()
                .subList(4, per.commands().size())
                .forEach(c -> assertThat(c.args()).doesNotContain("file:/w/watermark/logo.png"));
    }

    @Test
    void aRenditionSpreadOverWorkers_isMarked_itsPackagingIsNot() {
        Profile p = marked("hls-ladder", Map.of());
        List<String> rendition = compiler.compileRendition(p, SOURCE, IN, OUT, "o", 2, LOGO)
                .commands()
                .getFirst()
                .args();
        assertThat(after(rendition, "-filter_complex")).contains("[b2][wm0]overlay=");

        EncodePlan packaging =
                compiler.compilePackaging(p, SOURCE, IN, OUT, "o", Map.of(0, OUT, 1, OUT, 2, OUT, 3, OUT));
        packaging.commands().forEach(c -> assertThat(c.args()).doesNotContain("file:/w/watermark/logo.png"));
    }

    @Test
    void aProfileThatDrawsAWatermark_withoutTheImage_isAProgrammingError() {
        assertThatThrownBy(() -> compiler.compile(marked("mp4-h264", Map.of()), SOURCE, IN, OUT, "o"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fetch watermark_url first");
    }
}
