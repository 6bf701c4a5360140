package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.profile.FrameRate;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.profile.StoredProfile;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every engine's {@link ProfileStore} must do: stored profiles. */
public abstract class ProfileStoreContract extends StoreFixture {
    @Test
    void profiles_canBeCreatedReadListedReplacedAndDeleted() {
        Profile small = Profile.builder()
                .set(Profile.WIDTH, 640)
                .set(Profile.HEIGHT, 360)
                .set(Profile.FPS, FrameRate.parse("29.97"))
                .build();
        Instant created = clock.instant();

        StoredProfile put = profiles.put("small", "mp4-h264", small);
        profiles.put("audio-only", null, Presets.find("mp3").orElseThrow());

        assertThat(put).isEqualTo(new StoredProfile("small", "mp4-h264", small, created, created));
        assertThat(profiles.find("small")).contains(put);
        assertThat(profiles.list()).extracting(StoredProfile::name).containsExactly("audio-only", "small");

        clock.tick(Duration.ofMinutes(5));
        StoredProfile replaced = profiles.put("small", null, MPEG4);
        assertThat(replaced.preset()).isNull();
        assertThat(replaced.fields()).isEqualTo(MPEG4);
        assertThat(replaced.createdAt()).isEqualTo(created);
        assertThat(replaced.updatedAt()).isEqualTo(clock.instant());

        assertThat(profiles.delete("small")).isTrue();
        assertThat(profiles.delete("small")).isFalse();
        assertThat(profiles.find("small")).isEmpty();
        assertThat(profiles.list()).extracting(StoredProfile::name).containsExactly("audio-only");
    }
}
