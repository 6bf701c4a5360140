package io.nommer.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
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
        assertThatThrownBy(() -> Profile.fromFields(bad))
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> assertThat(e.violations())
                        .extracting(ProfileViolation::field)
                        .containsExactly("width", "height", "aspect_mode", "colour"));
    }

    @Test
    void fromFields_refusesAbsurdSizesAndOddDimensions() {
        assertThatThrownBy(() -> Profile.fromFields(Map.of("width", 100_000))).hasMessageContaining("between 16 and 7680");
        assertThatThrownBy(() -> Profile.fromFields(Map.of("height", 241))).hasMessageContaining("even");
        assertThatThrownBy(() -> Profile.fromFields(Map.of("video_bitrate", 1.5))).hasMessageContaining("integer");
        assertThatThrownBy(() -> Profile.fromFields(Map.of("clip_length", 0))).hasMessageContaining("greater than 0");
    }

    @Test
    void codecOptions_cannotBeSetByUsers() {
        assertThatThrownBy(() -> Profile.fromFields(Map.of("codec_options", "-filter_complex x")))
                .hasMessageContaining("cannot be set");
    }

    @Test
    void overlay_replacesOnlyTheFieldsGiven() {
        Profile flv = Presets.find("flv-320x240").orElseThrow();
        Profile p = flv.overlay(Profile.fromFields(Map.of("video_bitrate", 400)));
        assertThat(p.videoBitrate()).isEqualTo(400);
        assertThat(p.width()).isEqualTo(320);
        assertThat(p.fps()).isEqualTo(25.0);
    }

    @Test
    void wireForm_roundTrips() {
        for (Profile p : Presets.all().values()) {
            Map<String, Object> fields = new LinkedHashMap<>(p.toFields());
            Object codecOptions = fields.remove("codec_options");
            Profile back = Profile.fromFields(fields);
            assertThat(back.overlay(Profile.EMPTY).toFields()).isEqualTo(fields);
            assertThat(codecOptions == null).isEqualTo(p.codecOptions() == null);
        }
    }

    @Test
    void priority_jobDominatesProfile() {
        assertThat(Priority.combined(Priority.HIGH, Priority.LOW))
                .isGreaterThan(Priority.combined(Priority.NORMAL, Priority.HIGH));
    }

    @Test
    void seedFlvPreset_keepsTheSeedSettings() {
        Profile flv = Presets.find("flv-320x240").orElseThrow();
        assertThat(flv).extracting(Profile::format, Profile::width, Profile::height, Profile::fps, Profile::videoBitrate,
                Profile::audioBitrate, Profile::audioSampleRate).containsExactly("flv", 320, 240, 25.0, 200, 56, 44100);
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
        assertThatThrownBy(() -> Profile.fromFields(bad))
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> {
                    assertThat(e.violations()).extracting(ProfileViolation::field).containsExactly("segment_time",
                            "renditions", "encryption_key", "encryption_iv", "encryption_key_url",
                            "audio_only_variant");
                    assertThat(e.getMessage()).contains("segment_time: must be between 1 and 60")
                            .contains("encryption_key: must be 32 hexadecimal characters")
                            .doesNotContain("aabbccddeefg");
                });
        assertThatThrownBy(() -> Profile.fromFields(Map.of("encryption_key_url", "https://k/\nx\"")))
                .hasMessageContaining("encryption_key_url");
    }

    @Test
    void streamingFormat_acceptsOnlyItsOwnExtnames() {
        Profile dash = Presets.find("dash-ladder").orElseThrow();
        assertThat(dash.overlay(Profile.fromFields(Map.of("extname", ".mpd"))).requireComplete()).isNotNull();
        assertThatThrownBy(() -> dash.overlay(Profile.fromFields(Map.of("extname", ".m3u8"))).requireComplete())
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageContaining("extname: must be .mpd or .tar with format dash");
        assertThatThrownBy(() -> Presets.find("hss-ladder").orElseThrow()
                .overlay(Profile.fromFields(Map.of("extname", ".zip"))).requireComplete())
                .hasMessageContaining("must be .ism or .tar");
    }

    @Test
    void encryption_needsKeyIvAndKeyUrl_andOnlyExistsForHls() {
        Profile hls = Presets.find("hls-ladder").orElseThrow();
        assertThatThrownBy(() -> hls.overlay(Profile.fromFields(Map.of("encryption", true,
                "encryption_key", "00112233445566778899aabbccddeeff",
                "encryption_iv", "00112233445566778899aabbccddeeff"))).requireComplete())
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> assertThat(e.violations())
                        .extracting(ProfileViolation::field).containsExactly("encryption_key_url"));
        assertThatThrownBy(() -> Presets.find("mp4-h264").orElseThrow()
                .overlay(Profile.fromFields(Map.of("encryption", true))).requireComplete())
                .hasMessageContaining("encryption: is only available with format hls");
    }

    @Test
    void ladderBitrate_mustLeaveTheLowestRungAtLeast16k() {
        assertThatThrownBy(() -> Presets.find("hls-ladder").orElseThrow()
                .overlay(Profile.fromFields(Map.of("video_bitrate", 100))).requireComplete())
                .hasMessageContaining("video_bitrate: must be at least 128 for 4 renditions");
    }
}
