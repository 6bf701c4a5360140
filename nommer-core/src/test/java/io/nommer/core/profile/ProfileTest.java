package io.nommer.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.testing.Profiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTest {
    @Test
    void fromFields_reportsEveryBadFieldAtOnce() {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("width", -5);
        bad.put("height", "tall");
        bad.put("aspect_mode", "squish");
        bad.put("colour", "red");
        assertThatThrownBy(() -> Profiles.of(bad))
                .isInstanceOfSatisfying(
                        InvalidProfileException.class,
                        e -> assertThat(e.violations())
                                .extracting(ProfileViolation::field)
                                .containsExactly("width", "height", "aspect_mode", "colour"));
    }

    @Test
    void fromFields_refusesAbsurdSizesAndOddDimensions() {
        assertThatThrownBy(() -> Profiles.of(Map.of("width", 100_000))).hasMessageContaining("between 16 and 7680");
        assertThatThrownBy(() -> Profiles.of(Map.of("height", 241))).hasMessageContaining("even");
        assertThatThrownBy(() -> Profiles.of(Map.of("video_bitrate", 1.5))).hasMessageContaining("integer");
        assertThatThrownBy(() -> Profiles.of(Map.of("clip_length", 0))).hasMessageContaining("greater than 0");
    }

    @Test
    void codecOptions_cannotBeSetByUsers() {
        assertThatThrownBy(() -> Profiles.of(Map.of("codec_options", "-filter_complex x")))
                .hasMessageContaining("cannot be set");
    }

    @Test
    void overlay_replacesOnlyTheFieldsGiven() {
        Profile flv = Presets.find("flv-320x240").orElseThrow();
        Profile p = flv.overlay(Profiles.of(Map.of("video_bitrate", 400)));
        assertThat(p.get(Profile.VIDEO_BITRATE)).isEqualTo(400);
        assertThat(p.get(Profile.WIDTH)).isEqualTo(320);
        assertThat(p.get(Profile.FPS)).isEqualTo(new FrameRate(25, 1));
    }

    @Test
    void storedForm_roundTripsEveryPresetWithItsPresetOnlyFields() {
        for (Profile p : Presets.all().values()) {
            assertThat(ProfileJson.readStored(ProfileJson.write(p))).isEqualTo(p);
        }
    }

    @Test
    void userForm_readsWhatTheApiWrites_exceptPresetOnlyFields() {
        Profile h264 = Presets.find("mp4-h264").orElseThrow();
        assertThat(ProfileJson.parse(ProfileJson.write(h264))).isEqualTo(h264);
        assertThatThrownBy(() -> ProfileJson.parse(
                        ProfileJson.write(Presets.find("mp4-mpeg4-320x180").orElseThrow())))
                .hasMessage("codec_options: is fixed by the preset and cannot be set");
    }

    @Test
    void userForm_takesNullAsAbsent_andRefusesObjectsWhereScalarsBelong() {
        assertThat(ProfileJson.parse("{\"width\": null, \"height\": 360}").has(Profile.WIDTH))
                .isFalse();
        assertThatThrownBy(() -> ProfileJson.parse("{\"width\": {\"px\": 640}, \"fps\": [25]}"))
                .hasMessage(
                        "width: must be an integer; fps: must be a number of frames per second or a fraction such as"
                                + " \"30000/1001\"");
    }

    @Test
    void fps_isExact_theNtscDecimalsMeanTheirRationals_andWholeRatesStayNumbers() {
        assertThat(ProfileJson.parse("{\"fps\": \"30000/1001\"}").get(Profile.FPS))
                .isEqualTo(new FrameRate(30000, 1001));
        assertThat(ProfileJson.parse("{\"fps\": 29.97}").get(Profile.FPS)).isEqualTo(new FrameRate(30000, 1001));
        assertThat(ProfileJson.parse("{\"fps\": 23.976}").get(Profile.FPS)).isEqualTo(new FrameRate(24000, 1001));
        assertThat(ProfileJson.parse("{\"fps\": \"59.94\"}").get(Profile.FPS)).isEqualTo(new FrameRate(60000, 1001));
        assertThat(ProfileJson.parse("{\"fps\": 12.5}").get(Profile.FPS)).isEqualTo(new FrameRate(25, 2));
        assertThat(ProfileJson.parse("{\"fps\": \"50/2\"}").get(Profile.FPS)).isEqualTo(new FrameRate(25, 1));
        assertThat(ProfileJson.write(ProfileJson.parse("{\"fps\": 29.97}"))).isEqualTo("{\"fps\":\"30000/1001\"}");
        assertThat(ProfileJson.write(ProfileJson.parse("{\"fps\": \"25\"}"))).isEqualTo("{\"fps\":25.0}");
        for (String bad : new String[] {
            "\"0/1\"", "\"30000/0\"", "\"fast\"", "121", "0.5", "\"1.2345\"", "1e30", "\"1e20\"", "\"+25\"", "\"1e1\""
        }) {
            assertThatThrownBy(() -> ProfileJson.parse("{\"fps\": " + bad + "}"))
                    .as(bad)
                    .hasMessageStartingWith("fps: must be");
        }
    }

    @Test
    void storedForm_skipsFieldsThisVersionDoesNotKnow() {
        assertThat(ProfileJson.readStored("{\"width\": 640, \"from_the_future\": 1}"))
                .isEqualTo(Profile.builder().set(Profile.WIDTH, 640).build());
    }

    @Test
    void typedValues_areCheckedAsJsonOnesAre() {
        assertThatThrownBy(() -> Profile.builder().set(Profile.WIDTH, 641))
                .hasMessage("must be even (4:2:0 video needs even dimensions)");
        assertThat(Profile.EMPTY
                        .with(Profile.ENCRYPTION_KEY, "00112233445566778899AABBCCDDEEFF")
                        .get(Profile.ENCRYPTION_KEY))
                .isEqualTo("00112233445566778899aabbccddeeff");
    }

    @Test
    void toString_masksTheEncryptionKey() {
        Profile keyed = Profile.EMPTY.with(Profile.ENCRYPTION_KEY, "00112233445566778899aabbccddeeff");
        assertThat(keyed.toString()).contains("encryption_key=<masked>").doesNotContain("0011");
    }

    @Test
    void priority_jobDominatesProfile() {
        assertThat(Priority.combined(Priority.HIGH, Priority.LOW))
                .isGreaterThan(Priority.combined(Priority.NORMAL, Priority.HIGH));
    }

    @Test
    void seedFlvPreset_keepsTheSeedSettings() {
        Profile flv = Presets.find("flv-320x240").orElseThrow();
        assertThat(flv)
                .extracting(
                        p -> p.get(Profile.FORMAT),
                        p -> p.get(Profile.WIDTH),
                        p -> p.get(Profile.HEIGHT),
                        p -> p.get(Profile.FPS),
                        p -> p.get(Profile.VIDEO_BITRATE),
                        p -> p.get(Profile.AUDIO_BITRATE),
                        p -> p.get(Profile.AUDIO_SAMPLE_RATE))
                .containsExactly("flv", 320, 240, new FrameRate(25, 1), 200, 56, 44100);
    }

    @Test
    void streamingFields_areValidatedOneByOne() {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("segment_time", 0.5);
        bad.put("renditions", 5);
        bad.put("encryption_key", "00112233445566778899aabbccddeefg");
        bad.put("encryption_iv", "0011");
        bad.put("encryption_key_url", "https://k.example/a b");
        bad.put("audio_only_variant", "yes");
        assertThatThrownBy(() -> Profiles.of(bad)).isInstanceOfSatisfying(InvalidProfileException.class, e -> {
            assertThat(e.violations())
                    .extracting(ProfileViolation::field)
                    .containsExactly(
                            "segment_time",
                            "renditions",
                            "encryption_key",
                            "encryption_iv",
                            "encryption_key_url",
                            "audio_only_variant");
            assertThat(e.getMessage())
                    .contains("segment_time: must be between 1 and 60")
                    .contains("encryption_key: must be 32 hexadecimal characters")
                    .doesNotContain("aabbccddeefg");
        });
        assertThatThrownBy(() -> Profiles.of(Map.of("encryption_key_url", "https://k/\nx\"")))
                .hasMessageContaining("encryption_key_url");
    }

    @Test
    void streamingFormat_acceptsOnlyItsOwnExtnames() {
        Profile dash = Presets.find("dash-ladder").orElseThrow();
        assertThat(dash.overlay(Profiles.of(Map.of("extname", ".mpd"))).requireComplete())
                .isNotNull();
        assertThatThrownBy(() ->
                        dash.overlay(Profiles.of(Map.of("extname", ".m3u8"))).requireComplete())
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageContaining("extname: must be .mpd or .tar with format dash");
        assertThatThrownBy(() -> Presets.find("hss-ladder")
                        .orElseThrow()
                        .overlay(Profiles.of(Map.of("extname", ".zip")))
                        .requireComplete())
                .hasMessageContaining("must be .ism or .tar");
    }

    @Test
    void encryption_needsKeyIvAndKeyUrl_andOnlyExistsForHls() {
        Profile hls = Presets.find("hls-ladder").orElseThrow();
        assertThatThrownBy(() -> hls.overlay(Profiles.of(Map.of(
                                "encryption",
                                true,
                                "encryption_key",
                                "00112233445566778899aabbccddeeff",
                                "encryption_iv",
                                "00112233445566778899aabbccddeeff")))
                        .requireComplete())
                .isInstanceOfSatisfying(
                        InvalidProfileException.class,
                        e -> assertThat(e.violations())
                                .extracting(ProfileViolation::field)
                                .containsExactly("encryption_key_url"));
        assertThatThrownBy(() -> Presets.find("mp4-h264")
                        .orElseThrow()
                        .overlay(Profiles.of(Map.of("encryption", true)))
                        .requireComplete())
                .hasMessageContaining("encryption: is only available with format hls");
    }

    @Test
    void ladderBitrate_mustLeaveTheLowestRungAtLeast16k() {
        assertThatThrownBy(() -> Presets.find("hls-ladder")
                        .orElseThrow()
                        .overlay(Profiles.of(Map.of("video_bitrate", 100)))
                        .requireComplete())
                .hasMessageContaining("video_bitrate: must be at least 128 for 4 renditions");
    }

    @Test
    void televisionFields_areCheckedAgainstEachOtherAndTheCodec() {
        assertThat(violations("ntsc-sd-h264", Map.of())).isEmpty();
        assertThat(violations("mp4-h264", Map.of("field_order", "bff")))
                .containsExactly("field_order: needs interlaced: true");
        assertThat(violations("mp4-h264", Map.of("interlaced", true)))
                .containsExactly("interlaced: needs fps (the frame rate, e.g. \"30000/1001\" or 25)");
        assertThat(violations("webm-vp9", Map.of("interlaced", true, "fps", 25)))
                .containsExactly(
                        "interlaced: is available with video_codec dvvideo, libx264, mpeg2video, not libvpx-vp9");
        assertThat(violations(Profiles.of(Map.of(
                        "kind", "video",
                        "format", "mp4",
                        "extname", ".mp4",
                        "video_codec", "libx264",
                        "display_aspect_ratio", "16:9"))))
                .containsExactly("display_aspect_ratio: needs width and height (the frame it describes)");
        assertThat(violations("ntsc-sd-mpeg2", Map.of("fps", 15)))
                .singleElement()
                .asString()
                .startsWith("fps: must be one MPEG-2");
        assertThat(violations("ntsc-dv", Map.of("height", 576)))
                .singleElement()
                .asString()
                .contains("dvvideo needs width 720");
        assertThat(violations("pal-dv", Map.of("field_order", "tff", "audio_codec", "aac")))
                .containsExactly(
                        "field_order: must be bff with dvvideo (DV is bottom field first)",
                        "audio_codec: must be pcm_s16le with format dv");
        assertThat(violations("hls", Map.of("interlaced", true, "display_aspect_ratio", "4:3")))
                .containsExactly(
                        "interlaced: is not available with format hls",
                        "display_aspect_ratio: is not available with format hls");
        assertThat(violations("mp3", Map.of("display_aspect_ratio", "4:3")))
                .containsExactly("display_aspect_ratio: is only available for video outputs");
        assertThatThrownBy(() -> Profiles.of(Map.of("display_aspect_ratio", "4/3")))
                .hasMessageContaining("\"4:3\"");
        assertThatThrownBy(() -> Profiles.of(Map.of("display_aspect_ratio", "1:9")))
                .hasMessageContaining("5 times");
        assertThatThrownBy(() -> Profiles.of(Map.of("field_order", "top"))).hasMessageContaining("bff, tff");
    }

    /** What {@link Profile#requireComplete} says about {@code preset} with {@code overrides}, as "field: message". */
    private static List<String> violations(String preset, Map<String, Object> overrides) {
        return violations(Profiles.preset(preset, overrides));
    }

    private static List<String> violations(Profile profile) {
        try {
            profile.requireComplete();
            return List.of();
        } catch (InvalidProfileException e) {
            return e.violations().stream()
                    .map(v -> v.field() + ": " + v.message())
                    .toList();
        }
    }
}
