package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.ffmpeg.testing.StreamingFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UstarWriterTest {
    @TempDir
    Path dir;

    @Test
    void archive_holdsTheFilesInOrderUnderBareNames_andSystemTarReadsIt() throws Exception {
        Path a = Files.writeString(dir.resolve("b.mpd"), "<MPD/>");
        Path b = Files.write(dir.resolve("a-chunk.m4s"), new byte[1000]);
        Path tar = dir.resolve("out.tar");

        UstarWriter.write(tar, List.of(a, b));

        Map<String, byte[]> entries = StreamingFiles.untar(tar);
        assertThat(entries.keySet()).containsExactly("b.mpd", "a-chunk.m4s");
        assertThat(new String(entries.get("b.mpd"), StandardCharsets.UTF_8)).isEqualTo("<MPD/>");
        assertThat(entries.get("a-chunk.m4s")).hasSize(1000);
        assertThat(Files.size(tar) % 512).isZero();
        assertThat(dir.resolve("out.tar.partial")).doesNotExist();
        StreamingFiles.Run listing;
        try {
            listing = StreamingFiles.run(List.of("tar", "-tf", tar.toString()));
        } catch (java.io.UncheckedIOException noTar) {
            return; // no tar binary here; the independent reader above has checked the format
        }
        assertThat(listing.exit()).isZero();
        assertThat(listing.output().lines()).containsExactly("b.mpd", "a-chunk.m4s");
    }

    @Test
    void headerChecksum_matchesTheUstarDefinition() {
        byte[] h = UstarWriter.header("x.ts", 5, 0);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        assertThat(Long.parseLong(new String(h, 148, 6, StandardCharsets.US_ASCII), 8))
                .isEqualTo(sum);
        assertThat(new String(h, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
    }

    @Test
    void namesThatDoNotFitOrHaveDirectories_areRefused() {
        assertThatThrownBy(() -> UstarWriter.header("d/x.ts", 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UstarWriter.header("x".repeat(101), 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
