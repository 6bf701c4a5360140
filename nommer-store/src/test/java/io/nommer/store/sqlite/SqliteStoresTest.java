package io.nommer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract cannot see: database time (the contract runs on a test clock) and reopening a file. */
class SqliteStoresTest {
    @TempDir
    Path dir;

    private static NewJob aJob(String id) {
        return new NewJob(
                id,
                "file:///in/a.mov",
                List.of(new OutputSpec(
                        "main", "mp4-h264", Presets.find("mp4-h264").orElseThrow(), null)),
                Priority.NORMAL,
                Map.of(),
                null,
                null,
                3,
                null);
    }

    @Test
    void open_withoutClock_usesDatabaseTimeForTimestampsAndLeases() {
        try (Store store = SqliteStores.open(dir.resolve("a/b/nommer.db"))) {
            Instant before = Instant.now().minusSeconds(1);
            Job job = store.jobs().create(aJob("job_1")).job();
            ClaimedTask c = store.queue().claim("w1", 1, Duration.ofMinutes(5)).get(0);
            Instant after = Instant.now().plusSeconds(1);

            assertThat(job.createdAt()).isBetween(before, after);
            assertThat(c.task().startedAt()).isBetween(before, after);
            assertThat(store.queue().reapExpiredLeases(Duration.ZERO))
                    .as("a 5 minute lease is not expired")
                    .isZero();
            assertThat(store.queue().heartbeat(c.taskId(), c.leaseToken(), Duration.ofMinutes(5), 10.0))
                    .isTrue();
        }
    }

    @Test
    void open_anExistingFile_keepsItsDataAndMigratesNothingTwice() {
        Path file = dir.resolve("nommer.db");
        try (Store store = SqliteStores.open(file)) {
            store.jobs().create(aJob("job_1"));
        }
        try (Store store = SqliteStores.open(file)) {
            assertThat(store.jobs().find("job_1")).get().extracting(Job::state).isEqualTo(JobState.QUEUED);
        }
    }
}
