package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FfmpegCapabilitiesTest {
    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    private static FfmpegCapabilities recorded() {
        return FfmpegCapabilities.parse(
                FFMPEG,
                Recorded.text("ffmpeg-version.txt"),
                Recorded.text("ffmpeg-encoders.txt"),
                Recorded.text("ffmpeg-muxers.txt"),
                Recorded.text("ffmpeg-filters.txt"));
    }

    @Test
    void recordedDebianBuild_hasEverythingNommerUses() {
        FfmpegCapabilities c = recorded();

        assertThat(c.path()).isEqualTo(FFMPEG);
        assertThat(c.version()).isEqualTo("5.1.9-0+deb12u1");
        assertThat(c.encoders()).containsExactlyInAnyOrderElementsOf(FfmpegCapabilities.ENCODERS);
        assertThat(c.muxers()).containsExactlyInAnyOrderElementsOf(FfmpegCapabilities.MUXERS);
        assertThat(c.filters()).containsExactlyInAnyOrderElementsOf(FfmpegCapabilities.FILTERS);
        assertThat(c.summary())
                .isEqualTo("ffmpeg 5.1.9-0+deb12u1 at /usr/bin/ffmpeg, all needed encoders, muxers and "
                        + "filters present");
        Presets.all().forEach((name, p) -> assertThat(c.missingFor(p)).as(name).isEmpty());
    }

    @Test
    void listings_areParsedByNameNotByDescription() {
        // "flv" appears in descriptions of other encoders; only the name column counts
        Set<String> encoders = FfmpegCapabilities.names(Recorded.text("ffmpeg-encoders.txt"));
        Set<String> muxers = FfmpegCapabilities.names(Recorded.text("ffmpeg-muxers.txt"));
        Set<String> filters = FfmpegCapabilities.names(Recorded.text("ffmpeg-filters.txt"));

        assertThat(encoders).contains("libx264", "a64multi").doesNotContain("=", "Video", "Encoders:");
        assertThat(muxers).contains("3g2", "mp4", "null").doesNotContain("Muxing", "E");
        assertThat(filters).contains("abench", "scale", "select").doesNotContain("=", "Source");
    }

    @Test
    void aBuildWithoutLibx264OrVpx_cannotRunThoseProfiles() {
        String encoders = Recorded.text("ffmpeg-encoders.txt")
                .lines()
                .filter(l -> !l.contains(" libx264 ") && !l.contains(" libvpx-vp9 "))
                .reduce("", (a, b) -> a + b + "\n");
        String muxers = Recorded.text("ffmpeg-muxers.txt")
                .lines()
                .filter(l -> !l.contains(" webm "))
                .reduce("", (a, b) -> a + b + "\n");
        FfmpegCapabilities c = FfmpegCapabilities.parse(
                FFMPEG, Recorded.text("ffmpeg-version.txt"), encoders, muxers, Recorded.text("ffmpeg-filters.txt"));

        assertThat(c.missingFor(Presets.find("mp4-h264").orElseThrow())).containsExactly("encoder libx264");
        assertThat(c.missingFor(Presets.find("webm-vp9").orElseThrow()))
                .containsExactly("encoder libvpx-vp9", "muxer webm");
        assertThat(c.canRun(Presets.find("flv-320x240").orElseThrow())).isTrue();
        assertThat(c.summary()).contains("missing encoder libx264, encoder libvpx-vp9, muxer webm");
        assertThat(c.report().encoders()).containsEntry("libx264", false).containsEntry("aac", true);
    }

    @Test
    void audioProfilesDoNotNeedVideoFilters_thumbnailsDoNotNeedAudioEncoders() {
        FfmpegCapabilities none =
                new FfmpegCapabilities(FFMPEG, "x", Set.of("libmp3lame", "mjpeg"), Set.of("mp3", "image2"), Set.of());
        Profile thumbs = Presets.find("thumbnails").orElseThrow();
        Profile mp3 = Presets.find("mp3").orElseThrow();

        assertThat(none.missingFor(mp3)).isEmpty();
        assertThat(none.missingFor(thumbs)).containsExactly("filter scale", "filter setsar", "filter bwdif");
        Profile tv = Presets.find("pal-sd-mpeg2").orElseThrow();
        assertThat(none.missingFor(tv))
                .contains("encoder mpeg2video", "encoder mp2", "muxer mpegts", "filter interlace", "filter telecine");
    }

    @Test
    void aWatermark_needsTheOverlayFilters() {
        FfmpegCapabilities scaling = new FfmpegCapabilities(
                FFMPEG, "x", Set.of("libx264", "aac"), Set.of("mp4"), Set.of("scale", "setsar", "bwdif", "split"));
        Profile marked = Presets.find("mp4-h264")
                .orElseThrow()
                .overlay(ProfileJson.parse("{\"watermark_url\": \"upload:upl_logo\"}"));

        assertThat(scaling.missingFor(Presets.find("mp4-h264").orElseThrow())).isEmpty();
        assertThat(scaling.missingFor(marked))
                .containsExactly("filter overlay", "filter format", "filter colorchannelmixer");
        assertThat(FfmpegCapabilities.FILTERS).contains("overlay", "format", "colorchannelmixer");
    }

    @Test
    void version_fallsBackToUnknown() {
        assertThat(FfmpegCapabilities.version("something else\n")).isEqualTo("unknown");
        assertThat(FfmpegCapabilities.version("ffmpeg version n7.1 Copyright (c) 2000-2024\n"))
                .isEqualTo("n7.1");
    }

    @Test
    void detect_runsTheFourListingsThroughTheRunner() {
        List<List<String>> runs = new ArrayList<>();
        ProcessRunner fake = r -> {
            runs.add(r.command());
            String file = switch (r.command().getLast()) {
                case "-version" -> "ffmpeg-version.txt";
                case "-encoders" -> "ffmpeg-encoders.txt";
                case "-muxers" -> "ffmpeg-muxers.txt";
                default -> "ffmpeg-filters.txt";
            };
            Recorded.lines(file).forEach(r.stdout());
            return new ProcessResult(0, false, false, List.of(), Duration.ZERO);
        };

        FfmpegCapabilities c = FfmpegCapabilities.detect(FFMPEG, fake);

        assertThat(runs)
                .containsExactly(
                        List.of("/usr/bin/ffmpeg", "-version"),
                        List.of("/usr/bin/ffmpeg", "-hide_banner", "-encoders"),
                        List.of("/usr/bin/ffmpeg", "-hide_banner", "-muxers"),
                        List.of("/usr/bin/ffmpeg", "-hide_banner", "-filters"));
        assertThat(c).isEqualTo(recorded());
    }

    @Test
    void detect_failureNamesTheSetting() {
        ProcessRunner failing = r -> new ProcessResult(1, false, false, List.of("not ffmpeg"), Duration.ZERO);

        assertThatThrownBy(() -> FfmpegCapabilities.detect(FFMPEG, failing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setting ffmpeg")
                .hasMessageContaining("not ffmpeg");
    }
}
