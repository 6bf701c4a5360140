package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import org.junit.jupiter.api.Test;

class JsonColumnsTest {
    private static final Profile H264 = Presets.find("mp4-h264").orElseThrow();

    @Test
    void aStoredProfileReadAgain_isTheSameProfile() {
        String json = ProfileJson.write(H264);

        Profile first = JsonColumns.profile(json);
        Profile again = JsonColumns.profile(new String(json.toCharArray()));

        assertThat(ProfileJson.write(first)).isEqualTo(json);
        assertThat(again).isSameAs(first);
    }

    @Test
    void aProfileHoldingAnEncryptionKey_isReadAfreshEachTime() {
        Profile keyed = H264.with(Profile.ENCRYPTION_KEY, "00112233445566778899aabbccddeeff");
        String json = ProfileJson.write(keyed);

        Profile first = JsonColumns.profile(json);

        assertThat(first.get(Profile.ENCRYPTION_KEY)).isEqualTo("00112233445566778899aabbccddeeff");
        assertThat(JsonColumns.profile(json)).isNotSameAs(first);
    }

    @Test
    void moreDistinctProfilesThanItKeeps_areEachReadRight() {
        for (int i = 1; i <= JsonColumns.PROFILES_KEPT * 2 + 1; i++) {
            String json = ProfileJson.write(H264.with(Profile.VIDEO_BITRATE, 100 + i));

            assertThat(JsonColumns.profile(json).get(Profile.VIDEO_BITRATE)).isEqualTo(100 + i);
        }
    }

    @Test
    void aStoredProfileThatIsNotJson_isAStoreError() {
        assertThatThrownBy(() -> JsonColumns.profile("{\"video_bitrate\": "))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot read a stored profile");
    }
}
