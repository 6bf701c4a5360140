package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.job.Job;
import io.nommer.core.job.Timeline;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.webhook.NotifyFormat;
import io.nommer.core.webhook.WebhookDelivery;
import io.nommer.core.webhook.WebhookOutbox;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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

    private static final Timeline.Entry FAILED =
            Timeline.webhookFailed("job.succeeded", "https://example.com/hook", "HTTP 500", 1, Duration.ofMinutes(1));

    @Test
    void webhook_isRetriedAfterFailuresUntilItGivesUp() {
        Job job = aJob().notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        queue.complete(c.taskId(), c.leaseToken(), files(), 1);
        WebhookDelivery due = outbox.due(10).get(0);
        assertThat(due.event()).isEqualTo("job.succeeded");
        assertThat(due.jobId()).isEqualTo(job.id());

        outbox.markFailed(due.id(), "HTTP 500", Duration.ofMinutes(1), 3, FAILED);
        assertThat(outbox.due(10)).isEmpty();
        clock.tick(Duration.ofMinutes(1));
        assertThat(outbox.due(10)).extracting(WebhookDelivery::attempts).containsExactly(1);

        outbox.markFailed(due.id(), "timeout", Duration.ofMinutes(1), 3, FAILED);
        clock.tick(Duration.ofMinutes(1));
        assertThat(outbox.due(10)).extracting(WebhookDelivery::attempts).containsExactly(2);
        outbox.markFailed(due.id(), "timeout", Duration.ofMinutes(1), 3, FAILED);

        clock.tick(Duration.ofDays(2));
        assertThat(outbox.due(10)).as("given up after 3 attempts").isEmpty();
        outbox.markFailed(due.id(), "late", Duration.ofMinutes(1), 3, FAILED);
        assertThat(jobs.events(job.id()))
                .filteredOn(e -> e.type().equals("webhook.failed"))
                .as("each attempt in the timeline, written with the outbox row; none once given up")
                .hasSize(3);
    }

    @Test
    void webhook_isNotDueOnceDelivered() {
        aJob().notifying("https://example.com/a").create();
        aJob().notifying("https://example.com/b").create();
        List<ClaimedTask> claimed = queue.claim("w1", 2, LEASE);
        claimed.forEach(c -> queue.complete(c.taskId(), c.leaseToken(), files(), 1));
        List<WebhookDelivery> first = outbox.due(1);
        assertThat(first)
                .extracting(WebhookDelivery::url)
                .as("oldest first, at most max")
                .containsExactly("https://example.com/a");

        outbox.markDelivered(first.get(0).id(), 204, Timeline.webhookDelivered("job.succeeded", "a", 204, 1));
        outbox.markDelivered(first.get(0).id(), 204, Timeline.webhookDelivered("job.succeeded", "a", 204, 2));
        assertThat(jobs.events(first.get(0).jobId()))
                .filteredOn(e -> e.type().equals("webhook.delivered"))
                .as("written once, with the mark")
                .hasSize(1);

        assertThat(outbox.due(10)).extracting(WebhookDelivery::url).containsExactly("https://example.com/b");
        clock.tick(Duration.ofHours(1));
        assertThat(outbox.due(10))
                .extracting(WebhookDelivery::url)
                .as("a delivered webhook is never due again")
                .containsExactly("https://example.com/b");
    }

    private static final String MEDIA_NOMMER_HOOK = NotifyFormat.MEDIA_NOMMER.stored("https://example.com/mn");

    private void reach(Job job, String timelineType) {
        jobs.addEvent(job.id(), job.tasks().get(0).id(), new Timeline.Entry(timelineType, "step"));
    }

    private List<String> dueEvents() {
        return outbox.due(10).stream().map(WebhookDelivery::event).toList();
    }

    @Test
    void mediaNommerJobs_getTheirStepsOnceEach_deliveredInOrderBeforeTheEnd() {
        Job mn = aJob().notifying(MEDIA_NOMMER_HOOK).create();
        Job plain = aJob().notifying("https://example.com/hook").create();
        for (Job j : List.of(mn, plain)) {
            reach(j, "task.stack");
            reach(j, "task.probed");
        }
        reach(mn, "task.stack"); // a second attempt starts: no going back
        reach(mn, "task.encoded");

        WebhookDelivery downloading = outbox.due(10).get(0);
        assertThat(downloading.event())
                .as("only the first of the job's steps is due: the others wait behind it")
                .isEqualTo("job.downloading");
        assertThat(downloading.url()).isEqualTo(MEDIA_NOMMER_HOOK);
        assertThat(outbox.due(10)).as("the plain JSON webhook job has no steps").isEmpty();

        clock.tick(Duration.ofMinutes(2)); // the claim lapsed: still the first step, not the next
        assertThat(dueEvents()).containsExactly("job.downloading");
        outbox.markDelivered(downloading.id(), 200, null);
        WebhookDelivery encoding = outbox.due(10).get(0);
        assertThat(encoding.event()).isEqualTo("job.encoding");
        outbox.skip(encoding.id(), "skipped");

        List<WebhookDelivery> uploading = outbox.due(10);
        assertThat(uploading).extracting(WebhookDelivery::event).containsExactly("job.uploading");
        ClaimedTask c = claimOne("w1");
        queue.complete(c.taskId(), c.leaseToken(), files(), 1);
        assertThat(outbox.due(10))
                .as("the end waits for the step still being sent")
                .isEmpty();
        outbox.markFailed(uploading.get(0).id(), "HTTP 500", Duration.ZERO, 1, null);
        assertThat(dueEvents()).as("a step given up lets the end go").containsExactly("job.succeeded");

        reach(mn, "task.stack");
        clock.tick(Duration.ofMinutes(2));
        assertThat(dueEvents()).as("nothing after the end").containsExactly("job.succeeded");
    }
}
