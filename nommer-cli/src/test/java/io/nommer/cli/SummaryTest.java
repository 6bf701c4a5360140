package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.cli.Views.OutputFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
    private static OutputFile file(String name, String role, long size) {
        return new OutputFile(
                name, "storage:outputs/job/o/" + name, "http://h/v1/jobs/job/outputs/o/files/" + name, size, role);
    }

    @Test
    void group_leadsAnHlsLadderWithItsMasterPlaylist_notItsSegments() {
        List<OutputFile> files = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            files.add(file("v" + i % 4 + "_" + i + ".ts", "segment", 500_000));
        }
        for (int i = 0; i < 4; i++) {
            files.add(file("v" + i + ".m3u8", "variant_playlist", 1_000));
        }
        files.add(file("audio.m3u8", "variant_playlist", 1_000));
        files.add(file("master.m3u8", "master_playlist", 900));
        files.add(file("a_0.aac", "segment", 2_294_100));

        Summary.Group g = Summary.group(files);

        assertThat(g.describe()).isEqualTo("master.m3u8 + 30 files, 14.3 MB");
    }

    @Test
    void group_leadsDashWithItsManifest_andASingleFileAlone() {
        assertThat(Summary.group(List.of(
                                file("init.mp4", "segment", 800),
                                file("chunk.m4s", "segment", 1000),
                                file("out.mpd", "manifest", 200)))
                        .describe())
                .isEqualTo("out.mpd + 2 files, 2.00 kB");
        assertThat(Summary.group(List.of(file("web.mp4", "video", 3_360_000))).describe())
                .isEqualTo("web.mp4, 3.36 MB");
        assertThat(Summary.group(List.of(file("t_01.jpg", "thumbnail", 1), file("t_02.jpg", "thumbnail", 1)))
                        .lead()
                        .name())
                .isEqualTo("t_01.jpg");
        assertThat(Summary.group(List.of())).isNull();
    }

    @Test
    void format_readsLikeAPersonWouldSayIt() {
        assertThat(Format.bytes(1)).isEqualTo("1 byte");
        assertThat(Format.bytes(999)).isEqualTo("999 bytes");
        assertThat(Format.bytes(12_345_678)).isEqualTo("12.3 MB");
        assertThat(Format.bytes(999_999)).isEqualTo("1.00 MB");
        assertThat(Format.bytes(1_070_000_000)).isEqualTo("1.07 GB");
        assertThat(Format.clock(Duration.ofSeconds(8))).isEqualTo("0:08");
        assertThat(Format.clock(Duration.ofSeconds(3723))).isEqualTo("1:02:03");
    }
}
