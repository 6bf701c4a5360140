package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.stack.Stack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegStacksTest {
    private static final FfmpegBinaries DEBIAN =
            new FfmpegBinaries(Path.of("/usr/bin/ffmpeg"), Path.of("/usr/bin/ffprobe"));

    /** Answers as Debian's ffmpeg 5.1 and an ffprobe reporting {@code probeVersion}, from recorded output. */
    private static ProcessRunner recorded(String probeVersion) {
        return request -> {
            List<String> cmd = request.command();
            String out;
            if (cmd.get(0).endsWith("ffprobe")) {
                out = "ffprobe version " + probeVersion + " Copyright (c) 2007-2024 the FFmpeg developers\n";
            } else {
                out = switch (cmd.getLast()) {
                    case "-version" -> Recorded.text("ffmpeg-version.txt");
                    case "-encoders" -> Recorded.text("ffmpeg-encoders.txt");
                    case "-muxers" -> Recorded.text("ffmpeg-muxers.txt");
                    case "-filters" -> Recorded.text("ffmpeg-filters.txt");
                    default -> throw new IllegalArgumentException("unexpected " + cmd);
                };
            }
            out.lines().forEach(request.stdout());
            return new ProcessResult(0, false, false, List.of(), Duration.ofMillis(5));
        };
    }

    @Test
    void detect_describesTheBinariesVersionsNommersOwnToolsAndCapabilities() {
        FfmpegStacks.Detected d = FfmpegStacks.detect(null, DEBIAN, null, "ffmpeg", recorded("5.1.9-0+deb12u1"));

        Stack s = d.stack();
        assertThat(s.name()).isEqualTo("ffmpeg-5.1");
        assertThat(s.tools())
                .containsExactly(
                        new Stack.Tool("ffmpeg", "/usr/bin/ffmpeg", "5.1.9-0+deb12u1"),
                        new Stack.Tool("ffprobe", "/usr/bin/ffprobe", "5.1.9-0+deb12u1"),
                        new Stack.Tool("segmenter", null, "nommer-" + FfmpegStacks.nommerVersion()),
                        new Stack.Tool("manifester", null, "nommer-" + FfmpegStacks.nommerVersion()));
        assertThat(FfmpegStacks.nommerVersion()).isNotEqualTo("unknown").doesNotContain("${");
        assertThat(s.encoders()).containsExactlyElementsOf(FfmpegCapabilities.ENCODERS);
        assertThat(s.muxers()).contains("mp4", "hls", "dash");
        assertThat(d.capabilities().version()).isEqualTo("5.1.9-0+deb12u1");
    }

    @Test
    void detect_acceptsTheDeclaredVersionOrItsStart_andRefusesAnother() {
        assertThat(FfmpegStacks.detect("old", DEBIAN, "5.1", "stacks.old", recorded("5.1.9-0+deb12u1"))
                        .stack()
                        .name())
                .isEqualTo("old");
        assertThat(FfmpegStacks.detect("old", DEBIAN, "5.1.9-0+deb12u1", "stacks.old", recorded("5.1.9-0+deb12u1")))
                .isNotNull();

        assertThatThrownBy(() -> FfmpegStacks.detect("new", DEBIAN, "6.1", "stacks.new", recorded("6.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack new: ffmpeg at /usr/bin/ffmpeg reports version 5.1.9-0+deb12u1, not the declared "
                        + "6.1 (stacks.new)");
        assertThatThrownBy(() -> FfmpegStacks.detect("old", DEBIAN, "5.1", "stacks.old", recorded("6.0")))
                .hasMessageContaining("ffprobe at /usr/bin/ffprobe reports version 6.0, not the declared 5.1");
    }

    @Test
    void matches_theWholeVersionOrAPrefixEndingAtAPart() {
        assertThat(FfmpegStacks.matches("5.1.9-0+deb12u1", "5.1")).isTrue();
        assertThat(FfmpegStacks.matches("5.1.9-0+deb12u1", "5.1.9")).isTrue();
        assertThat(FfmpegStacks.matches("5.1.9-0+deb12u1", "5.1.9-0")).isTrue();
        assertThat(FfmpegStacks.matches("5.1", "5.1")).isTrue();
        assertThat(FfmpegStacks.matches("5.10", "5.1")).isFalse();
        assertThat(FfmpegStacks.matches("5.1", "5.1.9")).isFalse();
        assertThat(FfmpegStacks.matches("6.1", "5.1")).isFalse();
    }

    @Test
    void defaultName_isFfmpegAndTheMajorAndMinorVersion_orTheBuildsVersionMadeAName() {
        assertThat(FfmpegStacks.defaultName("5.1.9-0+deb12u1")).isEqualTo("ffmpeg-5.1");
        assertThat(FfmpegStacks.defaultName("7.0")).isEqualTo("ffmpeg-7.0");
        assertThat(FfmpegStacks.defaultName("n6.1.1")).isEqualTo("ffmpeg-6.1");
        assertThat(FfmpegStacks.defaultName("N-113021-gabc123")).isEqualTo("ffmpeg-n-113021-gabc123");
        assertThat(FfmpegStacks.defaultName("unknown")).isEqualTo("ffmpeg-unknown");
        assertThat(Stack.validName(FfmpegStacks.defaultName("git-2024-01-01 (custom)")))
                .isTrue();
    }
}
