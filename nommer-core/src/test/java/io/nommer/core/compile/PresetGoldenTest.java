package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.encode.Watermark;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.OutputKind;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.testing.Profiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the exact ffmpeg arguments of every preset against one probed 1080p source. A change to a preset's command
 * must show up here as a diff of {@code src/test/resources/golden/<preset>.args}. Regenerate deliberately with
 * {@code ./mvnw -pl nommer-core test -Dgolden.update=true} and review the diff.
 */
class PresetGoldenTest {
    static final MediaInfo SOURCE_1080P = new MediaInfo(
            "mov,mp4,m4a,3gp,3g2,mj2",
            10.0,
            5_000_000L,
            6_250_000,
            List.of(
                    new StreamInfo(
                            0,
                            "video",
                            "h264",
                            1920,
                            1080,
                            25.0,
                            4_800_000L,
                            null,
                            null,
                            10.0,
                            "1:1",
                            0,
                            "progressive"),
                    new StreamInfo(1, "audio", "aac", null, null, null, 128_000L, 48000, 2, 10.0, null, 0, null)));

    static Stream<String> presets() {
        return Presets.all().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void preset_compilesToItsGoldenArguments(String preset) throws IOException {
        Profile profile = Presets.find(preset).orElseThrow();
        EncodePlan plan = new ProfileCompiler()
                .compile(profile, SOURCE_1080P, Path.of("/work/task/input"), Path.of("/work/task/out"), "out");
        assertGolden(plan, Path.of("src/test/resources/golden", preset + ".args"), preset);
    }

    /** A 200x100 PNG logo, as the worker hands it over once fetched and probed. */
    static final Watermark LOGO = new Watermark(Path.of("/work/task/watermark/logo.png"), "png_pipe", 200, 100);

    static Stream<String> presetsWithPictures() {
        return Presets.all().entrySet().stream()
                .filter(e -> e.getValue().get(Profile.KIND) != OutputKind.AUDIO)
                .map(Map.Entry::getKey);
    }

    /** Every preset with a picture, watermarked: {@code golden/watermarked/<preset>.args}. */
    @ParameterizedTest
    @MethodSource("presetsWithPictures")
    void watermarkedPreset_compilesToItsGoldenArguments(String preset) throws IOException {
        Profile profile = Profiles.preset(
                preset,
                Map.of(
                        "watermark_url",
                        "upload:upl_logo",
                        "watermark_width",
                        "10%",
                        "watermark_opacity",
                        0.8,
                        "watermark_thumbnails",
                        true));
        EncodePlan plan = new ProfileCompiler()
                .compile(
                        profile,
                        SOURCE_1080P,
                        Path.of("/work/task/input"),
                        Path.of("/work/task/out"),
                        "out",
                        ProfileCompiler.LadderMode.SINGLE_DECODE,
                        LOGO);
        assertGolden(plan, Path.of("src/test/resources/golden/watermarked", preset + ".args"), preset);
    }

    private static void assertGolden(EncodePlan plan, Path golden, String preset) throws IOException {
        List<String> lines = new ArrayList<>();
        for (FfmpegCommand c : plan.commands()) {
            lines.add("# " + c.label());
            lines.addAll(c.args());
        }
        lines.add("# files");
        plan.files().forEach(f -> lines.add(f.role() + " " + f.path()));
        // Sections below appear only for plans with file work (adaptive streaming), so older goldens are unchanged.
        plan.fileSets().forEach(f -> lines.add(f.role() + " " + f.dir().resolve(f.prefix() + "*" + f.suffix())));
        if (plan.scratchDir() != null) {
            lines.add("# scratch " + plan.scratchDir());
        }
        if (!plan.before().isEmpty()) {
            lines.add("# before");
            plan.before().forEach(step -> lines.add(describe(step)));
        }
        if (!plan.after().isEmpty()) {
            lines.add("# after");
            plan.after().forEach(step -> lines.add(describe(step)));
        }
        String actual = String.join("\n", lines) + "\n";
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden)
                .as("golden file for %s (regenerate with -Dgolden.update=true)", preset)
                .exists();
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** A step as golden text: written files with their content, unless secret. */
    private static String describe(PlanStep step) {
        if (step instanceof PlanStep.WriteFile w && !w.secret()) {
            return "WriteFile " + w.path() + "\n" + new String(w.content(), StandardCharsets.UTF_8).stripTrailing();
        }
        return step.toString();
    }
}
