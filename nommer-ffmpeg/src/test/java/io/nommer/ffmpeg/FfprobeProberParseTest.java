package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prober's parsing and error mapping, on recorded ffprobe output and a fake process runner. */
class FfprobeProberParseTest {
    @TempDir
    Path tmp;

    @Test
    void recordedH264Aac_ntscRateDurationBitrateAndStreams() {
        MediaInfo info = FfprobeProber.parse(Recorded.text("ffprobe-h264-aac-ntsc.json"), 1234, "");

        assertThat(info.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
        assertThat(info.demuxer()).isEqualTo("mov");
        assertThat(info.duration()).isEqualTo(6.006);
        assertThat(info.bitrate()).isEqualTo(2_590_008L);
        assertThat(info.size()).isEqualTo(1234);
        StreamInfo v = info.video().orElseThrow();
        assertThat(v.codec()).isEqualTo("h264");
        assertThat(v.width()).isEqualTo(640);
        assertThat(v.height()).isEqualTo(480);
        assertThat(v.fps()).isCloseTo(29.97, within(0.001));
        assertThat(v.bitrate()).isEqualTo(2_511_817L);
        assertThat(v.sampleAspectRatio()).isEqualTo("1:1");
        assertThat(v.rotation()).isZero();
        assertThat(v.sampleRate()).isNull();
        StreamInfo a = info.audio().orElseThrow();
        assertThat(a.codec()).isEqualTo("aac");
        assertThat(a.sampleRate()).isEqualTo(44100);
        assertThat(a.channels()).isEqualTo(1);
        assertThat(a.fps()).isNull();
        assertThat(a.duration()).isEqualTo(6.0);
        assertThat(a.index()).isEqualTo(1);
    }

    @Test
    void recordedMp3_isAudioOnly() {
        MediaInfo info = FfprobeProber.parse(Recorded.text("ffprobe-mp3.json"), 1, "");

        assertThat(info.demuxer()).isEqualTo("mp3");
        assertThat(info.video()).isEmpty();
        assertThat(info.audio().orElseThrow().codec()).isEqualTo("mp3");
        assertThat(info.duration()).isCloseTo(2.037551, within(1e-9));
    }

    @Test
    void recordedDisplayMatrix_isTurnedIntoClockwiseDegrees() {
        // the side data says 90 (counter-clockwise), which is 270 clockwise
        MediaInfo info = FfprobeProber.parse(Recorded.text("ffprobe-rotated.json"), 1, "");

        assertThat(info.video().orElseThrow().rotation()).isEqualTo(270);
    }

    @Test
    void phoneStyleRotation_fromSideDataOrRotateTag() {
        String sideData = json("""
                {"index":0,"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
                 "avg_frame_rate":"30/1","side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]}""");
        String tag = json("""
                {"index":0,"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
                 "avg_frame_rate":"30/1","tags":{"rotate":"90"}}""");

        assertThat(FfprobeProber.parse(sideData, 1, "").video().orElseThrow().rotation())
                .isEqualTo(90);
        assertThat(FfprobeProber.parse(tag, 1, "").video().orElseThrow().rotation())
                .isEqualTo(90);
    }

    @Test
    void durationFallsBackToTheLongestStream_andZeroByZeroFrameRateToRFrameRate() {
        String j = """
                {"streams":[{"index":0,"codec_type":"video","codec_name":"vp9","width":320,"height":240,
                   "avg_frame_rate":"0/0","r_frame_rate":"25/1","duration":"N/A","sample_aspect_ratio":"0:1"},
                  {"index":1,"codec_type":"audio","codec_name":"opus","sample_rate":"48000","channels":2,
                   "duration":"3.5"}],
                 "format":{"format_name":"matroska,webm","duration":"N/A","bit_rate":"N/A"}}""";

        MediaInfo info = FfprobeProber.parse(j, 1, "");

        assertThat(info.duration()).isEqualTo(3.5);
        assertThat(info.bitrate()).isNull();
        assertThat(info.demuxer()).isEqualTo("matroska");
        assertThat(info.video().orElseThrow().fps()).isEqualTo(25.0);
        assertThat(info.video().orElseThrow().sampleAspect()).isEqualTo(1.0);
    }

    @Test
    void coverArtIsNotAVideoStream() {
        String j = """
                {"streams":[{"index":0,"codec_type":"audio","codec_name":"mp3","sample_rate":"44100","channels":2},
                  {"index":1,"codec_type":"video","codec_name":"mjpeg","width":500,"height":500,
                   "disposition":{"attached_pic":1}}],
                 "format":{"format_name":"mp3","duration":"10.0"}}""";

        MediaInfo info = FfprobeProber.parse(j, 1, "");

        assertThat(info.video()).isEmpty();
        assertThat(info.streams().get(1).type()).isEqualTo("data");
    }

    @Test
    void noAudioOrVideoStream_isNotMedia() {
        String j = """
                {"streams":[{"index":0,"codec_type":"subtitle","codec_name":"subrip"}],
                 "format":{"format_name":"srt"}}""";
        String noStreams = """
                {"streams":[],"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2"}}""";

        assertThatThrownBy(() -> FfprobeProber.parse(j, 1, ""))
                .isInstanceOf(TaskFailedException.class)
                .extracting(e -> ((TaskFailedException) e).code())
                .isEqualTo(ErrorCode.NOT_MEDIA);
        assertThatThrownBy(() -> FfprobeProber.parse(noStreams, 1, ""))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("no audio or video stream")
                .extracting(e -> ((TaskFailedException) e).code())
                .isEqualTo(ErrorCode.NOT_MEDIA);
    }

    @Test
    void aFormatOutsideTheSafeListIsRefusedEvenIfFfprobeReportedIt() {
        String j = """
                {"streams":[{"index":0,"codec_type":"video","codec_name":"h264","width":2,"height":2}],
                 "format":{"format_name":"hls"}}""";

        assertThatThrownBy(() -> FfprobeProber.parse(j, 1, ""))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_MEDIA))
                .hasMessageContaining("hls");
    }

    @Test
    void emptyJson_isNotMedia() {
        assertThatThrownBy(() -> FfprobeProber.parse("{\n\n}\n", 1, "moov atom not found"))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_MEDIA);
                    assertThat(e.logTail()).isEqualTo("moov atom not found");
                });
    }

    @Test
    void zeroByteFile_isInputEmptyWithoutRunningFfprobe() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.mp4"));
        List<ProcessRequest> runs = new ArrayList<>();
        FfprobeProber prober = new FfprobeProber(
                Path.of("/bin/ffprobe"),
                r -> {
                    runs.add(r);
                    throw new AssertionError("must not run");
                },
                Duration.ofSeconds(5));

        assertThatThrownBy(() -> prober.probe(empty))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_EMPTY));
        assertThat(runs).isEmpty();
    }

    @Test
    void ffprobeFailure_isNotMediaWithItsStderrTail() throws IOException {
        Path f = Files.writeString(tmp.resolve("x.mp4"), "hello");
        FfprobeProber prober = new FfprobeProber(
                Path.of("/bin/ffprobe"),
                r -> new ProcessResult(
                        1,
                        false,
                        false,
                        List.of(
                                "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found",
                                "file:x.mp4: Invalid data found when processing input"),
                        Duration.ZERO),
                Duration.ofSeconds(5));

        assertThatThrownBy(() -> prober.probe(f)).isInstanceOfSatisfying(TaskFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_MEDIA);
            assertThat(e.getMessage()).contains("not a media file").contains("Invalid data found");
            assertThat(e.logTail()).contains("moov atom not found");
        });
    }

    @Test
    void ffprobeTimeout_isNotMediaAndNamesTheLimit() throws IOException {
        Path f = Files.writeString(tmp.resolve("x.mp4"), "hello");
        FfprobeProber prober = new FfprobeProber(
                Path.of("/bin/ffprobe"),
                r -> new ProcessResult(137, true, false, List.of(), Duration.ofSeconds(7)),
                Duration.ofSeconds(7));

        assertThatThrownBy(() -> prober.probe(f)).isInstanceOfSatisfying(TaskFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_MEDIA);
            assertThat(e.getMessage()).contains("within 7 s");
        });
    }

    @Test
    void command_whitelistsSafeDemuxersAndTheFileProtocolOnly() {
        FfprobeProber prober = new FfprobeProber(Path.of("/usr/bin/ffprobe"), r -> null, Duration.ofSeconds(1));

        List<String> cmd = prober.command(Path.of("/work/in put.mp4"));

        assertThat(cmd).startsWith("/usr/bin/ffprobe", "-v", "error", "-hide_banner", "-format_whitelist");
        assertThat(cmd.get(5))
                .contains("mov")
                .contains("matroska")
                .doesNotContain("hls")
                .doesNotContain("concat");
        assertThat(cmd.subList(6, cmd.size()))
                .containsExactly(
                        "-protocol_whitelist",
                        "file",
                        "-print_format",
                        "json",
                        "-show_format",
                        "-show_streams",
                        "file:/work/in put.mp4");
    }

    @Test
    void imageFileNames_areProbedByContentNotByName() {
        assertThat(FfprobeProber.imageExtension(Path.of("/o/out_01.jpg"))).isTrue();
        assertThat(FfprobeProber.imageExtension(Path.of("/o/A.JPEG"))).isTrue();
        assertThat(FfprobeProber.imageExtension(Path.of("/o/a.png"))).isTrue();
        assertThat(FfprobeProber.imageExtension(Path.of("/o/a.mp4"))).isFalse();
        assertThat(FfprobeProber.imageExtension(Path.of("/o/input"))).isFalse();
    }

    @Test
    void rational_parsesFrameRates() {
        assertThat(FfprobeProber.rational("30000/1001")).isCloseTo(29.97003, within(1e-5));
        assertThat(FfprobeProber.rational("25/1")).isEqualTo(25.0);
        assertThat(FfprobeProber.rational("0/0")).isNull();
        assertThat(FfprobeProber.rational("x/y")).isNull();
        assertThat(FfprobeProber.rational(null)).isNull();
    }

    private static String json(String stream) {
        return "{\"streams\":[" + stream
                + "],\"format\":{\"format_name\":\"mov,mp4,m4a,3gp,3g2,mj2\",\"duration\":\"1\"}}";
    }
}
