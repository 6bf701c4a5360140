package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.ffmpeg.testing.TestMedia;
import org.junit.jupiter.api.Test;

class FfmpegCapabilitiesIntegrationTest {
    @Test
    void installedFfmpeg_reportsItsVersionAndItsNativeEncoders() {
        FfmpegBinaries bin = TestMedia.requireFfmpeg();

        FfmpegCapabilities c = FfmpegCapabilities.detect(bin);

        assertThat(c.path()).isEqualTo(bin.ffmpeg());
        assertThat(c.version()).isNotEqualTo("unknown");
        // built into every ffmpeg, whatever the distribution's configure flags
        assertThat(c.encoders()).contains("aac", "mpeg4", "mjpeg", "flv");
        assertThat(c.muxers()).contains("mp4", "null", "image2");
        assertThat(c.filters()).contains("scale", "setsar", "pad", "crop");
        assertThat(c.summary()).startsWith("ffmpeg " + c.version() + " at " + bin.ffmpeg());
    }
}
