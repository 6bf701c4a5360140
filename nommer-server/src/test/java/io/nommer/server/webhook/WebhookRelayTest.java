package io.nommer.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.nommer.core.fleet.Pricing;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.net.HostResolver;
import io.nommer.core.net.NetworkPolicy;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.store.Store;
import io.nommer.core.webhook.NotifyFormat;
import io.nommer.server.api.JobViews;
import io.nommer.server.api.Json;
import io.nommer.server.api.ServerPaths;
import io.nommer.storage.http.CheckedAddressResolver;
import io.nommer.storage.http.PinnedHttpClient;
import io.nommer.store.StoreFixture;
import io.nommer.store.sqlite.SqliteStores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook deliveries against a real receiver on loopback, from a real SQLite store: network rules, redirects, retries,
 * and what the job's timeline shows of each attempt.
 */
class WebhookRelayTest extends StoreFixture {
    @TempDir
    Path dir;

    HttpServer receiver;
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger status = new AtomicInteger(204);
    final AtomicInteger redirected = new AtomicInteger();
    final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected Store newStore(InstantSource clock) {
        return SqliteStores.open(dir.resolve("nommer.db"), clock);
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            hits.incrementAndGet();
            if (status.get() / 100 == 3) {
                ex.getResponseHeaders().set("Location", "/elsewhere");
            }
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        receiver.createContext("/elsewhere", ex -> {
            redirected.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void backoff_doublesToAnHourAndRetriesCoverADay() {
        assertThat(WebhookRelay.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(WebhookRelay.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(WebhookRelay.backoff(30)).isEqualTo(Duration.ofHours(1));
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < WebhookRelay.GIVE_UP_AFTER_ATTEMPTS; attempt++) {
            total = total.plus(WebhookRelay.backoff(attempt));
        }
        assertThat(total).isGreaterThan(Duration.ofHours(24));
    }

    @Test
    void delivery_isInTheTimelineWithItsStatus() {
        Job job = aFinishedJobNotifying(hook());
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (WebhookRelay relay = relay(CheckedAddressResolver.of(true)).observedBy(attempts::add)) {
            assertThat(relay.deliverDue()).isEqualTo(1);
        }
        assertThat(attempts).as("what the metrics are told").containsExactly("delivered");
        assertThat(hits.get()).isEqualTo(1);
        assertThat(webhookEvents(job))
                .containsExactly(
                        "webhook.delivered: job.succeeded to " + hookWithoutQuery() + ": HTTP 204 (attempt 1)");
        assertThat(outbox.due(10)).isEmpty();
    }

    @Test
    void loopbackTarget_isRefusedWithoutPrivateNetworks_andTheReasonIsInTheTimeline() {
        Job job = aFinishedJobNotifying(hook());
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (WebhookRelay relay = relay(CheckedAddressResolver.of(false)).observedBy(attempts::add)) {
            relay.deliverDue();
        }
        assertThat(attempts).as("what the metrics are told").containsExactly("given_up");
        assertThat(hits.get()).as("requests that reached the receiver").isZero();
        assertThat(webhookEvents(job))
                .singleElement()
                .asString()
                .startsWith(
                        "webhook.failed: job.succeeded to " + hookWithoutQuery() + ": refused: 127.0.0.1 resolves to")
                .contains("a loopback address", "allow_private_networks", "given up");
        clock.tick(Duration.ofDays(2));
        assertThat(outbox.due(10)).as("a refused target is not tried again").isEmpty();
    }

    @Test
    void webhookHost_isResolvedOnceAndPinned_soARebindingDnsServerCannotReachLoopback() {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver rebinding = host -> lookups.getAndIncrement() == 0
                ? new InetAddress[] {InetAddress.getByName("192.0.2.1")}
                : new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        Job job = aFinishedJobNotifying(
                "http://rebind.example:" + receiver.getAddress().getPort() + "/hook");
        try (WebhookRelay relay = relay(new CheckedAddressResolver(rebinding, NetworkPolicy::refusalReason))) {
            relay.deliverDue();
        }
        assertThat(hits.get()).as("requests that reached loopback").isZero();
        assertThat(lookups.get()).isEqualTo(1);
        assertThat(webhookEvents(job))
                .singleElement()
                .asString()
                .startsWith("webhook.failed")
                .contains("next try in");
    }

    @Test
    void redirect_isNotFollowed_andIsAFailedDeliveryRetriedLater() {
        status.set(302);
        Job job = aFinishedJobNotifying(hook());
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (WebhookRelay relay = relay(CheckedAddressResolver.of(true)).observedBy(attempts::add)) {
            relay.deliverDue();
            assertThat(redirected.get())
                    .as("requests that followed the redirect")
                    .isZero();
            assertThat(webhookEvents(job))
                    .containsExactly("webhook.failed: job.succeeded to " + hookWithoutQuery()
                            + ": HTTP 302 (redirects are not followed) (attempt 1; next try in 10s)");

            status.set(500);
            clock.tick(Duration.ofSeconds(10));
            relay.deliverDue();
            status.set(200);
            clock.tick(Duration.ofSeconds(20));
            relay.deliverDue();
        }
        assertThat(hits.get()).isEqualTo(3);
        assertThat(attempts).containsExactly("failed", "failed", "delivered");
        assertThat(webhookEvents(job))
                .as("every attempt, oldest first")
                .containsExactly(
                        "webhook.failed: job.succeeded to " + hookWithoutQuery()
                                + ": HTTP 302 (redirects are not followed) (attempt 1; next try in 10s)",
                        "webhook.failed: job.succeeded to " + hookWithoutQuery()
                                + ": HTTP 500 (attempt 2; next try in 20s)",
                        "webhook.delivered: job.succeeded to " + hookWithoutQuery() + ": HTTP 200 (attempt 3)");
    }

    @Test
    void mediaNommerDelivery_isItsFormToThePlainUrl_andIsRetriedByTheNextRelayAfterARestart() {
        status.set(503);
        Job job = aFinishedJobNotifying(NotifyFormat.MEDIA_NOMMER.stored(hook()));
        try (WebhookRelay relay = relay(CheckedAddressResolver.of(true))) {
            relay.deliverDue();
        }
        status.set(200);
        clock.tick(Duration.ofSeconds(10));
        // a new relay, as after the orchestrator restarted: the delivery waits in the store's outbox
        try (WebhookRelay relay = relay(CheckedAddressResolver.of(true))) {
            assertThat(relay.deliverDue()).isEqualTo(1);
        }
        String form =
                "application/x-www-form-urlencoded unique_id=" + job.id() + "&job_state=FINISHED&job_state_details=";
        assertThat(received).containsExactly(form, form);
        assertThat(webhookEvents(job))
                .containsExactly(
                        "webhook.failed: job.succeeded to " + hookWithoutQuery()
                                + ": HTTP 503 (attempt 1; next try in 10s)",
                        "webhook.delivered: job.succeeded to " + hookWithoutQuery() + ": HTTP 200 (attempt 2)");
    }

    @Test
    void mediaNommerSteps_areSentWhileTheJobRuns_andSkippedOnceItHasEnded() {
        Job job = aJob().notifying(NotifyFormat.MEDIA_NOMMER.stored(hook())).create();
        ClaimedTask c = claimOne("w1");
        jobs.addEvent(job.id(), c.taskId(), new io.nommer.core.job.Timeline.Entry("task.stack", "runs on stack x"));
        try (WebhookRelay relay = relay(CheckedAddressResolver.of(true))) {
            relay.deliverDue();
            jobs.addEvent(job.id(), c.taskId(), new io.nommer.core.job.Timeline.Entry("task.probed", "input is mp4"));
            queue.complete(c.taskId(), c.leaseToken(), files(), 1);
            relay.deliverDue();
            relay.deliverDue();
        }
        String form = "application/x-www-form-urlencoded unique_id=" + job.id() + "&job_state=";
        assertThat(received)
                .as("ENCODING was still unsent when the job ended: skipped, the end sent after it")
                .containsExactly(form + "DOWNLOADING&job_state_details=", form + "FINISHED&job_state_details=");
    }

    private String hook() {
        return hookWithoutQuery() + "?token=secret";
    }

    private String hookWithoutQuery() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private Job aFinishedJobNotifying(String url) {
        Job job = aJob().notifying(url).create();
        ClaimedTask c = claimOne("w1");
        queue.complete(c.taskId(), c.leaseToken(), files(), 1);
        return job;
    }

    private WebhookRelay relay(CheckedAddressResolver addresses) {
        return new WebhookRelay(
                outbox,
                jobs,
                Json.mapper(),
                new JobViews(new ServerPaths(dir), null, () -> Pricing.NONE),
                "test-webhook-secret-0123456789",
                clock,
                "http://nommer.test",
                PinnedHttpClient.start("test-webhook", addresses, Duration.ofMillis(500), "nommer-webhook/1"));
    }

    private List<String> webhookEvents(Job job) {
        return jobs.events(job.id()).stream()
                .filter(e -> e.type().startsWith("webhook."))
                .map(WebhookRelayTest::describe)
                .toList();
    }

    private static String describe(JobEvent e) {
        return e.type() + ": " + e.message();
    }
}
