package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.encode.EncoderContext;
import io.nommer.core.encode.EncoderPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ffmpeg encoder is found as any plug-in is: through its services file. */
class FfmpegEncoderProviderTest {
    @TempDir
    Path tmp;

    @Test
    void theFfmpegEncoder_isRegisteredOnTheClassPath_andReadsTheInput() {
        EncoderPlugins.Plugin ffmpeg = EncoderPlugins.load(null).require(FfmpegEncoderProvider.NAME);

        assertThat(ffmpeg.provider()).isInstanceOf(FfmpegEncoderProvider.class);
        assertThat(ffmpeg.needsInput()).isTrue();
        assertThat(ffmpeg.source()).isEqualTo("built-in");
    }

    @Test
    void create_checksTheBinariesAtStart_namingTheSetting() throws Exception {
        Path ffmpeg = Files.writeString(tmp.resolve("ffmpeg"), "#!/bin/sh\n");
        Path ffprobe = Files.writeString(tmp.resolve("ffprobe"), "#!/bin/sh\n");
        EncoderPlugins.Plugin plugin = EncoderPlugins.load(null).require(FfmpegEncoderProvider.NAME);

        assertThatThrownBy(() ->
                        plugin.create(new EncoderContext(tmp.resolve("missing").toString(), null, 100, Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("encoder ffmpeg (built-in) cannot start: ffmpeg is '")
                .hasMessageContaining("but there is no such file");

        assertThat(ffmpeg.toFile().setExecutable(true)).isTrue();
        assertThat(ffprobe.toFile().setExecutable(true)).isTrue();
        assertThat(plugin.create(new EncoderContext(ffmpeg.toString(), ffprobe.toString(), 100, Duration.ZERO)))
                .isInstanceOf(FfmpegEncoder.class);
    }
}
