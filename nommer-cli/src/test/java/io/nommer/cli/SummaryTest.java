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

    @Test
    void lines_giveEachOutputItsLeadingFile_orItsError_andEveryFileOnRequest() {
        Views.Output web = new Views.Output(
                "web",
                "mp4-h264",
                "succeeded",
                100,
                1,
                3,
                4.2,
                "file:///srv/out/",
                null,
                null,
                List.of(new OutputFile("web.mp4", "file:///srv/out/web.mp4", "http://h/f/web.mp4", 2_000_000, "video")),
                null,
                null);
        Views.Output hls = new Views.Output(
                "hls",
                "hls-ladder",
                "failed",
                40,
                3,
                3,
                9,
                null,
                null,
                null,
                List.of(),
                new Views.Failure("encode_failed", "ffmpeg exited with 1", "line one\nline two"),
                null);
        Views.Job job = new Views.Job(
                "job_1",
                "failed",
                70,
                "default",
                "upload:upl_1",
                null,
                "2026-05-01T12:00:00Z",
                null,
                "2026-05-01T12:01:05Z",
                13.2,
                List.of(web, hls));

        assertThat(Summary.lines(job, false))
                .containsExactly(
                        "job job_1: failed 70.0%, took 1:05, 13.2 CPU seconds",
                        "  web (mp4-h264): web.mp4, 2.00 MB",
                        "    http://h/f/web.mp4",
                        "    saved as file:///srv/out/web.mp4",
                        "  hls (hls-ladder): failed 40.0%",
                        "    error encode_failed: ffmpeg exited with 1",
                        "      | line one",
                        "      | line two");
        assertThat(Summary.lines(job, true))
                .contains("  web (mp4-h264): web.mp4, 2.00 MB", "    video               2.00 MB  http://h/f/web.mp4")
                .doesNotContain("    http://h/f/web.mp4");
    }
}
