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
import io.nommer.core.webhook.WebhookOutbox;
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

/** What every engine's {@link WebhookOutbox} must do: the webhook outbox. */
public abstract class WebhookOutboxContract extends StoreFixture {
    @Test
    void dueWebhooks_areClaimedSoTwoRelaysDoNotSendOneTwice() {
        Job job = aJob().notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        queue.complete(c.taskId(), c.leaseToken(), files(), 1);

        assertThat(outbox.due(10)).extracting(WebhookDelivery::jobId).containsExactly(job.id());
        assertThat(outbox.due(10)).as("claimed by the first relay").isEmpty();
        clock.tick(Duration.ofMinutes(1).plusMillis(1));
        assertThat(outbox.due(10)).as("the first relay died; its claim lapsed").hasSize(1);
    }

    @Test
    void webhook_isRetriedAfterFailuresUntilItGivesUp() {
        Job job = aJob().notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        queue.complete(c.taskId(), c.leaseToken(), files(), 1);
        WebhookDelivery due = outbox.due(10).get(0);
        assertThat(due.event()).isEqualTo("job.succeeded");
        assertThat(due.jobId()).isEqualTo(job.id());

        outbox.markFailed(due.id(), "HTTP 500", Duration.ofMinutes(1), 3);
        assertThat(outbox.due(10)).isEmpty();
        clock.tick(Duration.ofMinutes(1));
        assertThat(outbox.due(10)).extracting(WebhookDelivery::attempts).containsExactly(1);

        outbox.markFailed(due.id(), "timeout", Duration.ofMinutes(1), 3);
        clock.tick(Duration.ofMinutes(1));
        assertThat(outbox.due(10)).extracting(WebhookDelivery::attempts).containsExactly(2);
        outbox.markFailed(due.id(), "timeout", Duration.ofMinutes(1), 3);

        clock.tick(Duration.ofDays(2));
        assertThat(outbox.due(10)).as("given up after 3 attempts").isEmpty();
    }

    @Test
    void webhook_isNotDueOnceDelivered() {
        aJob().notifying("https://example.com/a").create();
        aJob().notifying("https://example.com/b").create();
        List<ClaimedTask> claimed = queue.claim("w1", 2, LEASE);
        claimed.forEach(c -> queue.complete(c.taskId(), c.leaseToken(), files(), 1));
        List<WebhookDelivery> first = outbox.due(1);
        assertThat(first).extracting(WebhookDelivery::url).as("oldest first, at most max").containsExactly("https://example.com/a");

        outbox.markDelivered(first.get(0).id(), 204);

        assertThat(outbox.due(10)).extracting(WebhookDelivery::url).containsExactly("https://example.com/b");
        clock.tick(Duration.ofHours(1));
        assertThat(outbox.due(10)).extracting(WebhookDelivery::url).as("a delivered webhook is never due again")
                .containsExactly("https://example.com/b");
    }
}
