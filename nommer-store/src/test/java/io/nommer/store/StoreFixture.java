package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.Task;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.store.Store;
import io.nommer.core.webhook.WebhookOutbox;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every store contract starts from: a fresh, empty store on a settable clock, its five ports, and fixtures that
 * read as English. An engine's test opens the store ({@link #newStore}); the contracts ({@code JobStoreContract},
 * {@code TaskQueueContract}, ...) state what each port must do on every engine.
 */
public abstract class StoreFixture {
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Profile H264 = Presets.find("mp4-h264").orElseThrow();
    protected static final Profile MPEG4 = Presets.find("mp4-mpeg4-320x180").orElseThrow();

    protected SettableClock clock;
    protected Store store;
    protected JobStore jobs;
    protected TaskQueue queue;
    protected FleetRegistry fleet;
    protected ProfileStore profiles;
    protected WebhookOutbox outbox;
    private int jobCount;

    /** A fresh, empty store whose "now" is {@code clock}. */
    protected abstract Store newStore(InstantSource clock);

    @BeforeEach
    void openStore() {
        clock = new SettableClock();
        store = newStore(clock);
        jobs = store.jobs();
        queue = store.queue();
        fleet = store.fleet();
        profiles = store.profiles();
        outbox = store.outbox();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------- fixtures

    protected JobBuilder aJob() {
        return new JobBuilder(String.format("job_%04d", ++jobCount));
    }

    protected static Profile withPriority(Profile p, Priority priority) {
        return p.with(Profile.PRIORITY, priority);
    }

    protected final class JobBuilder {
        private final String id;
        private Priority priority = Priority.NORMAL;
        private final List<OutputSpec> outputs = new ArrayList<>();
        private Map<String, Object> metadata = Map.of();
        private String notifyUrl;
        private String idempotencyKey;
        private String requestHash;
        private int maxAttempts = 3;

        private String cloud;
        private String tenant;
        private String input;

        JobBuilder(String id) {
            this.id = id;
        }

        public JobBuilder withInput(String uri) {
            input = uri;
            return this;
        }

        public JobBuilder withPriority(Priority p) {
            priority = p;
            return this;
        }

        public JobBuilder withOutput(String name, Profile profile) {
            outputs.add(new OutputSpec(name, "mp4-h264", profile, null));
            return this;
        }

        /** An output publishing into a destination folder. */
        public JobBuilder withOutputInto(String name, String destination) {
            outputs.add(new OutputSpec(name, "mp4-h264", H264, destination));
            return this;
        }

        public JobBuilder withLadderInParts(String name, int parts) {
            outputs.add(new OutputSpec(name, "hls-ladder", H264, null, parts));
            return this;
        }

        public JobBuilder withOutputs(int n) {
            for (int i = 0; i < n; i++) {
                withOutput("out-" + i, H264);
            }
            return this;
        }

        public JobBuilder withMetadata(Map<String, Object> m) {
            metadata = m;
            return this;
        }

        public JobBuilder notifying(String url) {
            notifyUrl = url;
            return this;
        }

        public JobBuilder withIdempotencyKey(String key) {
            idempotencyKey = key;
            return this;
        }

        /** The request the job came from, as its hash (see {@link NewJob#requestHash()}). */
        public JobBuilder forRequest(String hash) {
            requestHash = hash;
            return this;
        }

        public JobBuilder inCloud(String name) {
            cloud = name;
            return this;
        }

        public JobBuilder withMaxAttempts(int n) {
            maxAttempts = n;
            return this;
        }

        public JobBuilder forTenant(String name) {
            tenant = name;
            return this;
        }

        public NewJob build() {
            List<OutputSpec> outs =
                    outputs.isEmpty() ? List.of(new OutputSpec("main", "mp4-h264", H264, null)) : outputs;
            return new NewJob(
                    id,
                    input != null ? input : "file:///in/" + id + ".mov",
                    outs,
                    priority,
                    metadata,
                    notifyUrl,
                    idempotencyKey,
                    maxAttempts,
                    cloud,
                    List.of(),
                    null,
                    tenant,
                    requestHash);
        }

        public Job create() {
            return jobs.create(build()).job();
        }
    }

    /** Runs one SQL statement on the store's database: a row as an older release, or an outage, left it. */
    protected void execute(String statement) throws Exception {
        try (java.sql.Connection c = ((JdbcStore) store).dataSource().getConnection()) {
            c.createStatement().execute(statement);
        }
    }

    protected ClaimedTask claimOne(String worker) {
        List<ClaimedTask> claimed = queue.claim(worker, 1, LEASE);
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }

    protected Job job(String id) {
        return jobs.find(id).orElseThrow();
    }

    protected Task task(String jobId, int index) {
        return job(jobId).tasks().get(index);
    }

    protected List<String> eventTypes(String jobId) {
        return jobs.events(jobId).stream().map(JobEvent::type).toList();
    }

    protected static TaskFailure failure(ErrorCode code, Duration retryAfter) {
        return new TaskFailure(code, "it broke", "last line of ffmpeg", 1.5, retryAfter);
    }

    protected static List<OutputFile> files() {
        return List.of(
                new OutputFile("main.mp4", "file:///out/main.mp4", 1234, "video", 10.0, 1280, 720),
                new OutputFile("thumbs_01.jpg", "file:///out/thumbs_01.jpg", 99, "thumbnail", null, null, null));
    }
}
