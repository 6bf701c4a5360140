package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Profile;
import io.nommer.core.testing.Profiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileCompilerTest {
    static final Path IN = Path.of("/w/input");
    static final Path OUT = Path.of("/w/out");
    static final MediaInfo AUDIO_ONLY = new MediaInfo(
            "mp3",
            30.0,
            128_000L,
            480_000,
            List.of(new StreamInfo(0, "audio", "mp3", null, null, null, 128_000L, 44100, 2, 30.0, null, 0, null)));
    static final MediaInfo VIDEO_ONLY = new MediaInfo(
            "matroska,webm",
            4.0,
            1_000_000L,
            500_000,
            List.of(new StreamInfo(
                    0, "video", "vp9", 640, 480, 30.0, null, null, null, null, "1:1", 90, "progressive")));

    private final ProfileCompiler compiler = new ProfileCompiler();

    private static Profile preset(String name, Map<String, Object> overrides) {
        return Profiles.preset(name, overrides);
    }

    @Test
    void videoPreset_onAudioOnlyInput_failsWithNoVideoStream() {
        assertThatThrownBy(() -> compiler.compile(preset("mp4-h264", Map.of()), AUDIO_ONLY, IN, OUT, "o"))
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> assertThat(((TaskFailedException) e).code()).isEqualTo(ErrorCode.NO_VIDEO_STREAM));
    }

    @Test
    void audioPreset_onVideoOnlyInput_failsWithNoAudioStream() {
        assertThatThrownBy(() -> compiler.compile(preset("mp3", Map.of()), VIDEO_ONLY, IN, OUT, "o"))
                .satisfies(e -> assertThat(((TaskFailedException) e).code()).isEqualTo(ErrorCode.NO_AUDIO_STREAM));
    }

    @Test
    void videoWithoutAudio_dropsAudioInsteadOfFailing() {
        List<String> args = compiler.compile(preset("mp4-h264", Map.of()), VIDEO_ONLY, IN, OUT, "o")
                .commands()
                .get(0)
                .args();
        assertThat(args).contains("-an").doesNotContain("-c:a");
    }

    @Test
    void rotatedSource_isFittedAfterRotation() {
        // 640x480 rotated 90 degrees displays as 480x640; fitting into 1280x720 without upscaling keeps 480x640.
        List<String> args = compiler.compile(preset("mp4-h264", Map.of()), VIDEO_ONLY, IN, OUT, "o")
                .commands()
                .get(0)
                .args();
        assertThat(args).contains("scale=480:640:flags=bicubic,setsar=1");
    }

    @Test
    void inputIsForcedToTheProbedDemuxerAndFileProtocol() {
        List<String> args = compiler.compile(preset("mp4-h264", Map.of()), VIDEO_ONLY, IN, OUT, "o")
                .commands()
                .get(0)
                .args();
        assertThat(String.join(" ", args)).contains("-protocol_whitelist file -f matroska -i file:/w/input");
    }

    @Test
    void twoPass_withBitrate_runsTwoPassesSharingALogFile() {
        EncodePlan plan = compiler.compile(
                preset("mp4-h264", Map.of("two_pass", true, "video_bitrate", 800)), VIDEO_ONLY, IN, OUT, "o");
        assertThat(plan.commands()).extracting(FfmpegCommand::label).containsExactly("pass 1 of 2", "pass 2 of 2");
        assertThat(plan.commands().get(0).args()).containsSequence("-pass", "1", "-passlogfile", "/w/out/o-pass");
        assertThat(plan.commands().get(1).args()).containsSequence("-pass", "2", "-passlogfile", "/w/out/o-pass");
        // both passes must see the same frames: one frame-rate mode, the one ffmpeg would choose for an mp4
        assertThat(plan.commands()).allSatisfy(c -> assertThat(c.args()).containsSequence("-fps_mode", "cfr"));
        EncodePlan webm = compiler.compile(
                preset("webm-vp9", Map.of("two_pass", true, "video_bitrate", 800)), VIDEO_ONLY, IN, OUT, "o");
        assertThat(webm.commands()).allSatisfy(c -> assertThat(c.args()).containsSequence("-fps_mode", "vfr"));
    }

    @Test
    void clip_seeksBeforeTheInputAndLimitsLength() {
        EncodePlan plan = compiler.compile(
                preset("mp4-h264", Map.of("clip_offset", 1.5, "clip_length", 2)), VIDEO_ONLY, IN, OUT, "o");
        assertThat(plan.commands().get(0).args())
                .containsSequence("-ss", "1.500", "-protocol_whitelist")
                .containsSequence("-t", "2.000");
        assertThat(plan.mediaSeconds()).isEqualTo(2.0);
    }

    /** The first ffmpeg run of a preset with fields overridden, as one line. */
    private String firstRun(String preset, Map<String, Object> fields) {
        return String.join(
                " ",
                compiler.compile(preset(preset, fields), VIDEO_ONLY, IN, OUT, "o")
                        .commands()
                        .get(0)
                        .args());
    }

    @Test
    void frameRateConversion_choosesTheFilter_afterScaling_andLaddersConvertOnceBeforeSplitting() {
        assertThat(firstRun("mp4-h264", Map.of("fps", 50)))
                .contains("-r 50")
                .doesNotContain("framerate=", "minterpolate=");
        assertThat(firstRun("mp4-h264", Map.of("fps", 50, "frame_rate_conversion", "blend")))
                .containsPattern("-vf scale=[^ ]*,setsar=1,framerate=fps=50 ");
        assertThat(firstRun("hls-ladder", Map.of("fps", "30000/1001", "frame_rate_conversion", "motion_compensated")))
                .contains("[0:v:0]minterpolate=fps=30000/1001:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1,split=");
        assertThatThrownBy(() -> preset("mp4-h264", Map.of("frame_rate_conversion", "blend"))
                        .requireComplete())
                .hasMessageContaining("frame_rate_conversion: needs fps");
    }

    @Test
    void clipOffset_atOrPastTheInputsEnd_isClipOutsideInput_forEveryKind() {
        for (String preset : List.of("mp4-h264", "thumbnails", "hls-ladder")) {
            for (double offset : new double[] {4.0, 10.0}) {
                assertThatThrownBy(() -> compiler.compile(
                                preset(preset, Map.of("clip_offset", offset)), VIDEO_ONLY, IN, OUT, "o"))
                        .as("%s at %s s", preset, offset)
                        .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.CLIP_OUTSIDE_INPUT);
                            assertThat(e.getMessage()).contains("lasts 4 s");
                        });
            }
        }
        assertThat(compiler.compile(preset("mp4-h264", Map.of("clip_offset", 3.9)), VIDEO_ONLY, IN, OUT, "o")
                        .mediaSeconds())
                .isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void thumbnails_areEvenlySpacedAcrossTheClip() {
        EncodePlan plan = compiler.compile(preset("thumbnails", Map.of("frame_count", 3)), VIDEO_ONLY, IN, OUT, "t");
        List<String> args = plan.commands().get(0).args();
        assertThat(args).containsSubsequence("-ss", "1.000", "-ss", "2.000", "-ss", "3.000");
        assertThat(plan.files())
                .extracting(f -> f.path().getFileName().toString())
                .containsExactly("t_01.jpg", "t_02.jpg", "t_03.jpg");
    }
}
