package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.InvalidProfileException;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileViolation;
import io.nommer.core.testing.Profiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamingCompilerTest {
    static final Path IN = Path.of("/w/input");
    static final Path OUT = Path.of("/w/out");
    static final Path SCRATCH = Path.of("/w/out.scratch");
    static final MediaInfo SOURCE = PresetGoldenTest.SOURCE_1080P;
    static final String KEY = "000102030405060708090a0b0c0d0e0f";
    static final Map<String, Object> ENCRYPTED = Map.of(
            "encryption",
            true,
            "encryption_key",
            KEY,
            "encryption_iv",
            "ffeeddccbbaa99887766554433221100",
            "encryption_key_url",
            "https://k.example/key");

    private final ProfileCompiler compiler = new ProfileCompiler();

    private static Profile preset(String name, Map<String, Object> overrides) {
        return Profiles.preset(name, overrides);
    }

    private EncodePlan compile(Profile p, LadderMode mode) {
        return compiler.compile(p, SOURCE, IN, OUT, "o", mode);
    }

    @Test
    void interlacedSource_isDeinterlacedOnceBeforeTheRungs_inBothModes() {
        MediaInfo interlaced = new MediaInfo(
                "mpegts",
                10.0,
                8_000_000L,
                10_000_000,
                List.of(new StreamInfo(0, "video", "h264", 1920, 1080, 25.0, null, null, null, 10.0, "1:1", 0, "tt")));
        Profile p = preset("hls-ladder", Map.of("renditions", 2));

        String single = after(
                compiler.compile(p, interlaced, IN, OUT, "o", LadderMode.SINGLE_DECODE)
                        .commands()
                        .getFirst()
                        .args(),
                "-filter_complex");
        assertThat(single).startsWith("[0:v:0]bwdif=mode=send_frame:parity=auto:deint=interlaced,split=2[s0][s1];");
        assertThat(compiler.compileRendition(p, interlaced, IN, OUT, "o", 1)
                        .commands()
                        .getFirst()
                        .args())
                .anySatisfy(a -> assertThat(a).startsWith("bwdif=mode=send_frame:parity=auto:deint=interlaced,scale="));
    }

    @Test
    void singleDecode_isOneRunSplittingTheDecodedPictureIntoEveryRung() {
        EncodePlan plan = compile(preset("hls-ladder", Map.of()), LadderMode.SINGLE_DECODE);

        assertThat(plan.commands()).hasSize(1);
        List<String> args = plan.commands().getFirst().args();
        assertThat(args.stream().filter(a -> a.equals("-i"))).hasSize(1);
        assertThat(args)
                .containsSequence(
                        "-filter_complex",
                        "[0:v:0]split=4[s0][s1][s2][s3]"
                                + ";[s0]scale=1280:720:flags=bicubic,setsar=1[v0];[s1]scale=640:360:flags=bicubic,setsar=1[v1]"
                                + ";[s2]scale=480:270:flags=bicubic,setsar=1[v2];[s3]scale=320:180:flags=bicubic,setsar=1[v3]")
                .containsSequence("-b:v:0", "2400k", "-maxrate:v:0", "2400k", "-bufsize:v:0", "4800k")
                .containsSequence("-b:v:3", "120k", "-maxrate:v:3", "120k", "-bufsize:v:3", "240k")
                // 25 fps and 6-second segments: a keyframe every 150 frames and at every boundary, none elsewhere
                .containsSequence("-g", "150", "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*6)")
                .containsSequence("-hls_time", "6")
                .containsSequence("-var_stream_map", "v:0,name:v0 v:1,name:v1 v:2,name:v2 v:3,name:v3 a:0,name:audio");
        assertThat(args.stream().filter(a -> a.equals("-c:a")))
                .as("audio is encoded once")
                .hasSize(1);
    }

    @Test
    void perRendition_encodesEachRungAndTheAudioApartThenPackagesByCopy() {
        Profile p = preset("dash-ladder", Map.of());
        EncodePlan single = compile(p, LadderMode.SINGLE_DECODE);
        EncodePlan per = compile(p, LadderMode.PER_RENDITION);

        assertThat(per.commands())
                .extracting(FfmpegCommand::label)
                .containsExactly(
                        "rendition 1 of 4 (2400k 1280x720)",
                        "rendition 2 of 4 (600k 640x360)",
                        "rendition 3 of 4 (300k 480x270)",
                        "rendition 4 of 4 (120k 320x180)",
                        "audio",
                        "package (dash)");
        assertThat(per.commands().get(2).args())
                .containsSequence("-b:v:0", "300k", "-maxrate:v:0", "300k")
                .containsSequence("-an", "-sn", "-dn", "-f", "mp4", "file:/w/out.scratch/o-v2.mp4");
        List<String> pack = per.commands().getLast().args();
        assertThat(pack).containsSequence("-c", "copy").endsWith("file:" + SCRATCH.resolve("package/o.mpd"));
        assertThat(muxerArgs(pack))
                .as("the same packaging as the single run")
                .isEqualTo(muxerArgs(single.commands().getFirst().args()));
        assertThat(per.files()).isEqualTo(single.files());
        assertThat(per.after()).isEqualTo(single.after());
    }

    /** The muxer's options: everything after the last stream option ({@code -dn}). */
    private static List<String> muxerArgs(List<String> args) {
        return args.subList(args.lastIndexOf("-dn") + 1, args.size());
    }

    @Test
    void hlsSeparate_returnsSegmentsThenVariantsThenTheMasterLast() {
        EncodePlan plan = compile(preset("hls-ladder", Map.of()), LadderMode.SINGLE_DECODE);

        assertThat(plan.fileSets()).containsExactly(new FileSet(OUT, "o-", ".ts", PlannedFile.SEGMENT));
        assertThat(plan.files())
                .extracting(f -> f.path().getFileName().toString(), PlannedFile::role)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("o-v0.m3u8", "variant_playlist"),
                        org.assertj.core.groups.Tuple.tuple("o-v1.m3u8", "variant_playlist"),
                        org.assertj.core.groups.Tuple.tuple("o-v2.m3u8", "variant_playlist"),
                        org.assertj.core.groups.Tuple.tuple("o-v3.m3u8", "variant_playlist"),
                        org.assertj.core.groups.Tuple.tuple("o-audio.m3u8", "variant_playlist"),
                        org.assertj.core.groups.Tuple.tuple("o.m3u8", "master_playlist"));
        assertThat(plan.files())
                .allSatisfy(f -> assertThat(f.path().getParent()).isEqualTo(OUT));
    }

    @Test
    void masterPlaylist_isMeasuredAfterEncoding_fromEveryRungAndTheAudio() {
        EncodePlan plan = compile(preset("hls-ladder", Map.of()), LadderMode.SINGLE_DECODE);

        PlanStep.HlsMasterPlaylist step =
                (PlanStep.HlsMasterPlaylist) plan.after().getLast();
        assertThat(step.master()).isEqualTo(OUT.resolve("o.m3u8"));
        assertThat(step.playlist().variants())
                .containsExactly(
                        new HlsMaster.Variant("o-v0.m3u8", 1280, 720, 25.0, "avc1.64001f"),
                        new HlsMaster.Variant("o-v1.m3u8", 640, 360, 25.0, "avc1.64001e"),
                        new HlsMaster.Variant("o-v2.m3u8", 480, 270, 25.0, "avc1.64001e"),
                        new HlsMaster.Variant("o-v3.m3u8", 320, 180, 25.0, "avc1.64001e"));
        assertThat(step.playlist().audioPlaylist()).isEqualTo("o-audio.m3u8");
        assertThat(step.playlist().audioOnlyVariant()).isFalse();
        assertThat(((PlanStep.HlsMasterPlaylist) compile(
                                        preset("hls-ladder", Map.of("audio_only_variant", true)),
                                        LadderMode.SINGLE_DECODE)
                                .after()
                                .getLast())
                        .playlist()
                        .audioOnlyVariant())
                .isTrue();
    }

    @Test
    void audio_endsWithTheVideo_lessTheEncodersPrimingSamples() {
        // 10 s of video; 1024 priming samples at 48 kHz are 21.333 ms
        String filter = "apad=whole_dur=9.978667,atrim=end=9.978667";
        for (LadderMode mode : LadderMode.values()) {
            EncodePlan plan = compile(preset("dash-ladder", Map.of()), mode);
            assertThat(plan.commands())
                    .filteredOn(c -> c.args().contains("-c:a"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.args()).containsSequence("-filter:a", filter));
        }
        EncodePlan clipped = compile(preset("hls", Map.of("clip_length", 4.0)), LadderMode.SINGLE_DECODE);
        assertThat(clipped.commands().getFirst().args())
                .containsSequence("-filter:a", "apad=whole_dur=3.978667,atrim=end=3.978667");
    }

    @Test
    void dash_andSmooth_correctTheirManifestsFromTheWrittenSegments() {
        assertThat(compile(preset("dash-ladder", Map.of("extname", ".mpd")), LadderMode.SINGLE_DECODE)
                        .after())
                .containsExactly(new PlanStep.DashManifest(OUT.resolve("o.mpd")));
        EncodePlan smooth = compile(preset("hss-ladder", Map.of("extname", ".ism")), LadderMode.PER_RENDITION);
        assertThat(smooth.after())
                .containsExactly(new PlanStep.SmoothManifests(
                        OUT.resolve("o.ismv"), OUT.resolve("o.ism"), OUT.resolve("o.ismc")));
        assertThat(smooth.commands().getLast().args())
                .containsSequence("-avoid_negative_ts", "make_zero", "-movflags", "+frag_keyframe+delay_moov");
    }

    @Test
    void encryption_keepsKeyMaterialInTheScratchDirectory_andOutOfTheArguments() {
        EncodePlan plan = compile(preset("hls", ENCRYPTED), LadderMode.SINGLE_DECODE);

        PlanStep.WriteFile key = (PlanStep.WriteFile) plan.before().stream()
                .filter(s ->
                        s instanceof PlanStep.WriteFile w && w.path().toString().endsWith(".key"))
                .findFirst()
                .orElseThrow();
        PlanStep.WriteFile info = (PlanStep.WriteFile) plan.before().stream()
                .filter(s ->
                        s instanceof PlanStep.WriteFile w && w.path().toString().endsWith(".keyinfo"))
                .findFirst()
                .orElseThrow();
        assertThat(key.secret()).isTrue();
        assertThat(key.path().getParent()).isEqualTo(SCRATCH);
        assertThat(key.content()).hasSize(16).startsWith(0, 1, 2, 3);
        assertThat(key.toString()).doesNotContain(KEY).contains("16 bytes");
        assertThat(new String(info.content(), StandardCharsets.UTF_8))
                .isEqualTo("https://k.example/key\n/w/out.scratch/o.key\nffeeddccbbaa99887766554433221100\n");
        assertThat(plan.scratchDir()).isEqualTo(SCRATCH);
        List<String> args = plan.commands().getFirst().args();
        assertThat(args).containsSequence("-hls_key_info_file", "/w/out.scratch/o.keyinfo");
        assertThat(String.join(" ", args)).doesNotContain(KEY);
        assertThat(preset("hls", ENCRYPTED).toString()).doesNotContain(KEY).contains("encryption_key=<masked>");
    }

    @Test
    void encryption_withoutKeyIvOrUrl_isRefusedNamingEachField() {
        Profile p = preset("hls-ladder", Map.of("encryption", true));
        assertThatThrownBy(() -> compile(p, LadderMode.SINGLE_DECODE))
                .isInstanceOfSatisfying(
                        InvalidProfileException.class,
                        e -> assertThat(e.violations())
                                .extracting(ProfileViolation::field)
                                .containsExactly("encryption_key", "encryption_iv", "encryption_key_url"));
        Map<String, Object> noUrl = new LinkedHashMap<>(ENCRYPTED);
        noUrl.remove("encryption_key_url");
        assertThatThrownBy(() -> compile(preset("hls", noUrl), LadderMode.SINGLE_DECODE))
                .hasMessageContaining("encryption_key_url");
        assertThatThrownBy(() -> compile(preset("dash-ladder", ENCRYPTED), LadderMode.SINGLE_DECODE))
                .hasMessageContaining("encryption: is only available with format hls");
    }

    @Test
    void tar_stagesEverythingInScratch_andReturnsOnlyTheArchive() {
        EncodePlan plan = compile(preset("hss-ladder", Map.of()), LadderMode.SINGLE_DECODE);

        assertThat(plan.files()).containsExactly(new PlannedFile(OUT.resolve("o.tar"), PlannedFile.ARCHIVE));
        assertThat(plan.fileSets()).isEmpty();
        assertThat(plan.commands().getFirst().args()).endsWith("file:/w/out.scratch/package/o.ismv");
        assertThat(plan.commands()).hasSize(1);
        assertThat(plan.after())
                .containsExactly(
                        new PlanStep.SmoothManifests(
                                SCRATCH.resolve("package/o.ismv"),
                                SCRATCH.resolve("package/o.ism"),
                                SCRATCH.resolve("package/o.ismc")),
                        new PlanStep.TarArchive(
                                OUT.resolve("o.tar"), SCRATCH.resolve("package"), List.of("o.ism", "o.ismc")));
    }

    @Test
    void sourceWithoutAudio_hasNoAudioRendition() {
        EncodePlan plan = compiler.compile(
                preset("hls-ladder", Map.of("renditions", 2)),
                ProfileCompilerTest.VIDEO_ONLY,
                IN,
                OUT,
                "o",
                LadderMode.PER_RENDITION);

        assertThat(plan.commands()).extracting(FfmpegCommand::label).doesNotContain("audio");
        assertThat(plan.commands().getLast().args())
                .containsSequence("-var_stream_map", "v:0,name:v0 v:1,name:v1")
                .doesNotContain("0:a:0");
        assertThat(plan.files())
                .extracting(f -> f.path().getFileName().toString())
                .containsExactly("o-v0.m3u8", "o-v1.m3u8", "o.m3u8");
    }

    @Test
    void baseNameThatWouldBeAMuxerTemplate_isRefused() {
        assertThatThrownBy(() -> compiler.compile(preset("dash-ladder", Map.of()), SOURCE, IN, OUT, "a%d$"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base name");
    }

    private static String after(List<String> args, String option) {
        return args.get(args.indexOf(option) + 1);
    }
}
