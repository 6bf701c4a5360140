package io.nommer.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.testing.Profiles;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The watermark fields as a user writes them, and the combinations a profile refuses. */
class WatermarkFieldsTest {
    private static final String URL = "https://cdn.example/logo.png";

    private static Profile complete(String preset, Map<String, Object> fields) {
        return Presets.find(preset).orElseThrow().overlay(Profiles.of(fields)).requireComplete();
    }

    private static Map<String, Object> withUrl(Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("watermark_url", URL);
        return all;
    }

    @Test
    void lengths_arePixelsOrPercentages_andAreWrittenBackAsGiven() {
        Profile p = Profiles.of(withUrl(Map.of(
                "watermark_left", 12, "watermark_top", "5%", "watermark_width", "12.5%", "watermark_height", 40)));

        assertThat(p.get(Profile.WATERMARK_LEFT)).isEqualTo(PixelsOrPercent.pixels(12));
        assertThat(p.get(Profile.WATERMARK_TOP)).isEqualTo(PixelsOrPercent.percent(5));
        assertThat(p.get(Profile.WATERMARK_WIDTH)).isEqualTo(PixelsOrPercent.percent(12.5));
        assertThat(ProfileJson.write(p))
                .contains("\"watermark_left\":12", "\"watermark_top\":\"5%\"", "\"watermark_width\":\"12.5%\"");
        assertThat(ProfileJson.parse(ProfileJson.write(p))).isEqualTo(p);
    }

    @Test
    void lengths_refuseWhatIsNeitherWholePixelsNorAPercentage() {
        for (Object bad : new Object[] {-1, 2.5, "12", "12px", "101%", "-5%", true, 8000}) {
            assertThatThrownBy(() -> Profiles.of(withUrl(Map.of("watermark_left", bad))))
                    .as("watermark_left %s", bad)
                    .hasMessageContaining("watermark_left: must be a whole number of pixels (0 to 7680)")
                    .hasMessageContaining("\"5%\"");
        }
        assertThatThrownBy(() -> Profiles.of(withUrl(Map.of("watermark_width", 0))))
                .hasMessageContaining("(1 to 7680)");
        assertThatThrownBy(() -> Profiles.of(withUrl(Map.of("watermark_height", "0%"))))
                .hasMessageContaining("watermark_height");
    }

    @Test
    void opacity_isBetweenZeroAndOne_andTheUrlMustBeAnAbsoluteUri() {
        assertThatThrownBy(() -> Profiles.of(withUrl(Map.of("watermark_opacity", 1.5))))
                .hasMessageContaining("watermark_opacity: must be between 0 and 1");
        assertThatThrownBy(() -> Profiles.of(Map.of("watermark_url", "logo.png")))
                .hasMessageContaining("watermark_url: must be an absolute URI");
        assertThatThrownBy(() -> Profiles.of(Map.of("watermark_url", "http://exa mple/")))
                .hasMessageContaining("watermark_url: must be a URI");
    }

    @Test
    void everyOtherWatermarkField_needsWatermarkUrl() {
        assertThatThrownBy(() -> complete("mp4-h264", Map.of("watermark_opacity", 0.5, "watermark_thumbnails", true)))
                .isInstanceOfSatisfying(
                        InvalidProfileException.class,
                        e -> assertThat(e.violations())
                                .extracting(ProfileViolation::field)
                                .containsExactly("watermark_opacity", "watermark_thumbnails"))
                .hasMessageContaining("needs watermark_url");
    }

    @Test
    void bothSidesOfAPair_areRefused() {
        assertThatThrownBy(() -> complete(
                        "mp4-h264",
                        withUrl(Map.of(
                                "watermark_left", 1, "watermark_right", 1, "watermark_top", 1, "watermark_bottom", 1))))
                .isInstanceOfSatisfying(
                        InvalidProfileException.class,
                        e -> assertThat(e.violations())
                                .extracting(ProfileViolation::field)
                                .containsExactly("watermark_right", "watermark_bottom"))
                .hasMessageContaining("cannot be set with watermark_left");
    }

    @Test
    void anAudioOutput_refusesAWatermark() {
        assertThatThrownBy(() -> complete("mp3", withUrl(Map.of())))
                .hasMessageContaining("watermark_url: cannot mark an audio output");
    }

    @Test
    void videoIsMarked_thumbnailsOnlyWithWatermarkThumbnails() {
        assertThat(complete("mp4-h264", withUrl(Map.of())).drawsWatermark()).isTrue();
        assertThat(complete("hls-ladder", withUrl(Map.of())).drawsWatermark()).isTrue();
        assertThat(complete("thumbnails", withUrl(Map.of())).drawsWatermark()).isFalse();
        assertThat(complete("thumbnails", withUrl(Map.of("watermark_thumbnails", true)))
                        .drawsWatermark())
                .isTrue();
        assertThat(complete("mp4-h264", Map.of()).drawsWatermark()).isFalse();
    }
}
