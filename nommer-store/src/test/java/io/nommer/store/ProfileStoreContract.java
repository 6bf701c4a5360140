package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobState;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.Page;
import io.nommer.core.profile.StoredProfile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.queue.Completion;
import io.nommer.core.job.CreateResult;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.webhook.WebhookDelivery;
import io.nommer.core.fleet.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every engine's {@link ProfileStore} must do: stored profiles. */
public abstract class ProfileStoreContract extends StoreFixture {
    @Test
    void profiles_canBeCreatedReadListedReplacedAndDeleted() {
        Profile small = Profile.builder().set(Profile.WIDTH, 640).set(Profile.HEIGHT, 360).set(Profile.FPS, 29.97).build();
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
