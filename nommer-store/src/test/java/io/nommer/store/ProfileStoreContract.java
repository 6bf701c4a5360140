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
    private static final String T = "acme";

    @Test
    void profiles_canBeCreatedReadListedReplacedAndDeleted() {
        Profile small = Profile.builder()
                .set(Profile.WIDTH, 640)
                .set(Profile.HEIGHT, 360)
                .set(Profile.FPS, FrameRate.parse("29.97"))
                .build();
        Instant created = clock.instant();

        StoredProfile put = profiles.put(T, "small", "mp4-h264", small);
        profiles.put(T, "audio-only", null, Presets.find("mp3").orElseThrow());

        assertThat(put).isEqualTo(new StoredProfile("small", "mp4-h264", small, created, created));
        assertThat(profiles.find(T, "small")).contains(put);
        assertThat(profiles.list(T)).extracting(StoredProfile::name).containsExactly("audio-only", "small");

        clock.tick(Duration.ofMinutes(5));
        StoredProfile replaced = profiles.put(T, "small", null, MPEG4);
        assertThat(replaced.preset()).isNull();
        assertThat(replaced.fields()).isEqualTo(MPEG4);
        assertThat(replaced.createdAt()).isEqualTo(created);
        assertThat(replaced.updatedAt()).isEqualTo(clock.instant());

        assertThat(profiles.delete(T, "small")).isTrue();
        assertThat(profiles.delete(T, "small")).isFalse();
        assertThat(profiles.find(T, "small")).isEmpty();
        assertThat(profiles.list(T)).extracting(StoredProfile::name).containsExactly("audio-only");
    }

    @Test
    void profiles_areTheirTenantsOwn() {
        profiles.put("acme", "web", "mp4-h264", Profile.EMPTY);
        profiles.put("globex", "web", null, MPEG4);

        assertThat(profiles.find("acme", "web").orElseThrow().preset()).isEqualTo("mp4-h264");
        assertThat(profiles.find("globex", "web").orElseThrow().fields()).isEqualTo(MPEG4);
        assertThat(profiles.find("initech", "web")).isEmpty();
        assertThat(profiles.list("globex")).extracting(StoredProfile::name).containsExactly("web");
        assertThat(profiles.list("initech")).isEmpty();

        assertThat(profiles.delete("initech", "web")).isFalse();
        assertThat(profiles.delete("acme", "web")).isTrue();
        assertThat(profiles.find("globex", "web")).isPresent();
    }
}
