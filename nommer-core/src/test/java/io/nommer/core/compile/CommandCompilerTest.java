package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.command.CommandRefusal;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.profile.InvalidProfileException;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandCompilerTest {
    private static final Path IN = Path.of("/work/t/input");
    private static final Path OUT = Path.of("/work/t/out");
    private static final Path SCRATCH = Path.of("/work/t/out.scratch");

    private static Profile profile(String extname, String command) {
        return Profile.builder()
                .set(Profile.EXTNAME, extname)
                .set(Profile.VIDEO_BITRATE, 500)
                .set(Profile.COMMAND, command)
                .build();
    }

    private static EncodePlan compile(Profile p) {
        return CommandCompiler.compile(p.requireComplete(), PresetGoldenTest.SOURCE_1080P, IN, OUT, "web", "job_01x");
    }

    @Test
    void eachLine_runsWithNommersOptions_readingTheInputAsProbed() {
        EncodePlan plan = compile(profile(
                ".mp4",
                "ffmpeg -i $input_file$ -c:v libx264 -b:v $video_bitrate$k -metadata c=$record_id$ $output_file$"));

        assertThat(plan.commands()).hasSize(1);
        List<String> args = plan.commands().get(0).args();
        assertThat(args.subList(0, ProfileCompiler.common().size())).isEqualTo(ProfileCompiler.common());
        assertThat(args.subList(ProfileCompiler.common().size(), args.size()))
                .containsExactly(
                        "-protocol_whitelist",
                        "file",
                        "-f",
                        PresetGoldenTest.SOURCE_1080P.demuxer(),
                        "-i",
                        "file:" + IN,
                        "-c:v",
                        "libx264",
                        "-b:v",
                        "500k",
                        "-metadata",
                        "c=job_01x",
                        OUT.resolve("web.mp4").toString());
        assertThat(plan.files()).containsExactly(new PlannedFile(OUT.resolve("web.mp4"), "video"));
        assertThat(plan.fileSets()).containsExactly(FileSet.others(OUT, Set.of("web.mp4")));
        assertThat(plan.scratchDir()).isEqualTo(SCRATCH);
    }

    @Test
    void passLogs_andFilesALaterLineReads_goToTheScratchDirectory() {
        EncodePlan plan = compile(profile(
                ".csv",
                "ffmpeg -i $input_file$ -b:v $video_bitrate$k -pass 1 -an -f null /dev/null\n"
                        + "ffmpeg -i $input_file$ -b:v $video_bitrate$k -pass 2 middle.mp4\n"
                        + "ffmpeg -i middle.mp4 -c copy -f segment -segment_list $output_file$ 'part%03d.ts'"));

        List<String> first = plan.commands().get(0).args();
        assertThat(String.join(" ", first)).endsWith("-passlogfile " + SCRATCH.resolve("ffmpeg2pass") + " /dev/null");
        assertThat(String.join(" ", plan.commands().get(1).args()))
                .endsWith("-passlogfile " + SCRATCH.resolve("ffmpeg2pass") + " " + SCRATCH.resolve("middle.mp4"));
        assertThat(String.join(" ", plan.commands().get(2).args()))
                .contains("-i " + SCRATCH.resolve("middle.mp4"))
                .endsWith("-segment_list " + OUT.resolve("web.csv") + " part%03d.ts");
        assertThat(plan.commands())
                .extracting(FfmpegCommand::label)
                .containsExactly("command line 1 of 3", "command line 2 of 3", "command line 3 of 3");
        assertThat(plan.files()).containsExactly(new PlannedFile(OUT.resolve("web.csv"), PlannedFile.MANIFEST));
    }

    @Test
    void aNamedPassLog_isPrivateToo_andAPlaylistLeadsItsSegments() {
        EncodePlan plan = compile(profile(
                ".m3u8",
                "ffmpeg -i $input_file$ -pass 1 -passlogfile p -f null -\n"
                        + "ffmpeg -i $input_file$ -pass 2 -passlogfile p -f hls -hls_segment_filename s_%03d.ts"
                        + " $output_file$"));

        assertThat(plan.commands().get(1).args())
                .containsSubsequence("-passlogfile", SCRATCH.resolve("p").toString())
                .containsSubsequence("-hls_segment_filename", "s_%03d.ts");
        assertThat(plan.files()).containsExactly(new PlannedFile(OUT.resolve("web.m3u8"), PlannedFile.MASTER_PLAYLIST));
        assertThat(FileSet.others(OUT, Set.of("web.m3u8")).roleOf("s_001.ts")).isEqualTo(PlannedFile.SEGMENT);
    }

    @Test
    void filters_areTheChainNommerWouldBuild() {
        Profile p = Profile.builder()
                .set(Profile.EXTNAME, ".mp4")
                .set(Profile.WIDTH, 640)
                .set(Profile.HEIGHT, 360)
                .set(Profile.COMMAND, "ffmpeg -i $input_file$ -vf $filters$ $output_file$")
                .build();

        List<String> args = compile(p).commands().get(0).args();

        assertThat(args.get(args.indexOf("-vf") + 1))
                .isEqualTo(
                        VideoChain.of(p, PresetGoldenTest.SOURCE_1080P.video().orElseThrow())
                                .filter())
                .contains("scale=640:360");
    }

    @Test
    void aCommandStoredUnderALooserAllowlist_isRefusedWhenItRuns() {
        // what a store might hold: the services check commands when they are stored, the compiler checks again
        Profile p = ProfileJson.readStored(
                "{\"extname\": \".mp4\", \"command\": \"ffmpeg -i $input_file$ -vf movie=/etc/passwd $output_file$\"}");

        assertThatThrownBy(() -> compile(p)).isInstanceOf(CommandRefusal.class).hasMessageContaining("movie");
    }

    @Test
    void aCommandProfile_setsOnlyWhatItsTokensAndOutputNeed() {
        Profile withCodec =
                profile(".mp4", "ffmpeg -i $input_file$ $output_file$").with(Profile.VIDEO_CODEC, "libx264");
        Profile withoutExtname = Profile.builder()
                .set(Profile.COMMAND, "ffmpeg -i $input_file$ $output_file$")
                .build();

        assertThatThrownBy(withCodec::requireComplete)
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageContaining("video_codec");
        assertThatThrownBy(withoutExtname::requireComplete)
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageContaining("extname");
    }
}
