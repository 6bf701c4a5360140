package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegBinariesTest {
    @TempDir
    Path bin;

    private Path executable(String name) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void unset_findsBothOnPath() throws IOException {
        Path ffmpeg = executable("ffmpeg");
        Path ffprobe = executable("ffprobe");

        FfmpegBinaries b = FfmpegBinaries.resolve(null, " ", Map.of("PATH", "/nonexistent:" + bin));

        assertThat(b).isEqualTo(new FfmpegBinaries(ffmpeg, ffprobe));
    }

    @Test
    void configuredPath_isUsedAsGiven() throws IOException {
        Path ffmpeg = executable("my-ffmpeg");
        Path ffprobe = executable("my-ffprobe");

        FfmpegBinaries b = FfmpegBinaries.resolve(ffmpeg.toString(), ffprobe.toString(), Map.of());

        assertThat(b.ffmpeg()).isEqualTo(ffmpeg);
        assertThat(b.ffprobe()).isEqualTo(ffprobe);
    }

    @Test
    void configuredBareName_isLookedUpOnPath() throws IOException {
        Path ffmpeg = executable("ffmpeg6");
        executable("ffprobe");

        assertThat(FfmpegBinaries.resolve("ffmpeg6", null, Map.of("PATH", bin.toString()))
                        .ffmpeg())
                .isEqualTo(ffmpeg);
    }

    @Test
    void missingOnPath_namesTheSettingAndItsEnvironmentVariable() throws IOException {
        executable("ffmpeg");

        assertThatThrownBy(() -> FfmpegBinaries.resolve(null, null, Map.of("PATH", bin.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ffprobe is not set")
                .hasMessageContaining("NOMMER_FFPROBE");
    }

    @Test
    void configuredPathThatDoesNotExist_namesTheSetting() {
        assertThatThrownBy(() -> FfmpegBinaries.resolve("/no/such/ffmpeg", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ffmpeg is '/no/such/ffmpeg', but there is no such file")
                .hasMessageContaining("NOMMER_FFMPEG");
    }

    @Test
    void configuredFileThatIsNotExecutable_isRefused() throws IOException {
        Path notExec = Files.writeString(bin.resolve("ffmpeg"), "");

        assertThatThrownBy(() -> FfmpegBinaries.resolve(notExec.toString(), null, Map.of()))
                .hasMessageContaining("not executable");
    }
}
