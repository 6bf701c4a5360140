package io.nommer.server.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.Timeline;
import io.nommer.core.webhook.JobPhase;
import io.nommer.core.webhook.NotifyFormat;
import io.nommer.core.webhook.WebhookDelivery;
import io.nommer.core.webhook.WebhookOutbox;
import io.nommer.server.api.JobViews;
import io.nommer.server.medianommer.MediaNommerNotification;
import io.nommer.storage.http.HttpInputFetcher;
import io.nommer.storage.http.PinnedHttpClient;
import io.nommer.storage.http.RefusedAddressException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the webhook outbox: for each due row, POSTs the job's current JSON to its notify URL, signed with
 * HMAC-SHA256 over {@code <delivery id>.<timestamp>.<body>} in {@code Nommer-Signature: t=<ts>,v1=<hex>}; or, for a
 * job submitted through media-nommer's {@code /job/submit} ({@link NotifyFormat#MEDIA_NOMMER}), its final state as
 * media-nommer's form ({@link MediaNommerNotification}), with the same network rules, retries and timeline.
 * Failures back off exponentially (capped at an hour) for over 24 hours before the delivery is given up.
 *
 * <p>Targets follow the network rules of http(s) inputs: the {@link HttpClient} it is given connects only to addresses
 * its {@link io.nommer.storage.http.CheckedAddressResolver} checked (public ones, unless {@code allow_private_networks}),
 * resolved once per connection. A refused target is given up at once: it is a configuration error, not a passing one.
 * Redirects are not followed: a 3xx is a failed delivery. Every attempt is written to the job's timeline.
 */
public final class WebhookRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);
    /** 10 s doubling to an hour: about 31 tries cover the first 24 hours. */
    static final int GIVE_UP_AFTER_ATTEMPTS = 36;

    private final WebhookOutbox outbox;
    private final JobStore jobs;
    private final ObjectMapper mapper;
    private final JobViews views;
    private final byte[] secret;
    private final InstantSource clock;
    private final String baseUrl;
    private final HttpClient http;
    private volatile java.util.function.Consumer<String> attempts = result -> {};

    /** How long one delivery may take, connection included. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param http a started client from {@link PinnedHttpClient#start}; {@link #close} stops it
     */
    public WebhookRelay(
            WebhookOutbox outbox,
            JobStore jobs,
            ObjectMapper mapper,
            JobViews views,
            String secret,
            InstantSource clock,
            String baseUrl,
            HttpClient http) {
        this.http = http;
        this.outbox = outbox;
        this.views = views;
        this.jobs = jobs;
        this.mapper = mapper;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    /**
     * Who is told what became of each delivery attempt: {@code delivered}, {@code failed} (to be tried again) or
     * {@code given_up} (metrics); by default no one.
     */
    public WebhookRelay observedBy(java.util.function.Consumer<String> attempts) {
        this.attempts = attempts;
        return this;
    }

    /** What a webhook POSTs: the delivery's id, the event, and the job as {@code GET /v1/jobs/{id}} shows it. */
    record Payload(String id, String event, JobViews.JobView job) {}

    /** Deliveries claimed at once; they are sent concurrently, so one slow receiver does not hold up the rest. */
    static final int BATCH = 100;

    /** Delivers everything due now, a batch at a time; returns how many deliveries were attempted. */
    public int deliverDue() {
        int total = 0;
        while (true) {
            List<WebhookDelivery> due = outbox.due(BATCH);
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                due.forEach(d -> senders.execute(() -> deliver(d)));
            }
            total += due.size();
            if (due.size() < BATCH || Thread.currentThread().isInterrupted()) {
                return total;
            }
        }
    }

    private void deliver(WebhookDelivery d) {
        int attempt = d.attempts() + 1;
        String target = HttpInputFetcher.redact(URI.create(NotifyFormat.target(d.url())));
        try {
            Job job = jobs.find(d.jobId()).orElse(null);
            if (job == null) {
                outbox.markFailed(d.id(), "job no longer exists", Duration.ZERO, 0, null);
                return;
            }
            if (JobPhase.ofEvent(d.event()) != null && job.state().terminal()) {
                // why: the job's end is the next notification; a step it has passed is skipped, as feederd skipped
                // the states it did not look in time to see, rather than held in front of the end for retries
                outbox.skip(d.id(), "skipped: the job ended before this step was delivered");
                return;
            }
            URI url = URI.create(NotifyFormat.target(d.url()));
            if (url.getRawUserInfo() != null) {
                giveUp(d, target, attempt, "the URL carries credentials (user:password@)");
                return;
            }
            Request req =
                    http.newRequest(url).method(HttpMethod.POST).timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (NotifyFormat.of(d.url()) == NotifyFormat.MEDIA_NOMMER) {
                // why: an application written for media-nommer reads these form fields, unsigned, as feederd sent them
                req.headers(h -> h.put(HttpHeader.USER_AGENT, MediaNommerNotification.USER_AGENT))
                        .body(new BytesRequestContent(
                                MediaNommerNotification.CONTENT_TYPE, MediaNommerNotification.body(job, d.event())));
            } else {
                byte[] body =
                        mapper.writeValueAsBytes(new Payload("whd_" + d.id(), d.event(), views.job(job, baseUrl)));
                long ts = clock.instant().getEpochSecond();
                req.headers(h -> h.put("Nommer-Event", d.event())
                                .put("Nommer-Delivery", "whd_" + d.id())
                                .put("Nommer-Signature", "t=" + ts + ",v1=" + sign("whd_" + d.id(), ts, body)))
                        .body(new BytesRequestContent("application/json", body));
            }
            CompletableFuture<Result> done = new CompletableFuture<>();
            // the receiver's answer body is read and dropped: only its status counts
            req.send(done::complete);
            Result result;
            try {
                result = done.get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                req.abort(e);
                Thread.currentThread().interrupt();
                return;
            } catch (TimeoutException | ExecutionException e) {
                req.abort(e);
                failed(d, target, attempt, "no answer within " + TIMEOUT.toSeconds() + "s");
                return;
            }
            if (result.isFailed()) {
                Throwable cause = result.getFailure();
                RefusedAddressException refused = find(cause, RefusedAddressException.class);
                if (refused != null) {
                    giveUp(
                            d,
                            target,
                            attempt,
                            "refused: " + refused.getMessage()
                                    + ", and webhooks are not sent to private networks (allow_private_networks)");
                } else {
                    failed(d, target, attempt, describe(cause));
                }
                return;
            }
            int status = result.getResponse().getStatus();
            if (status / 100 == 2) {
                outbox.markDelivered(d.id(), status, Timeline.webhookDelivered(d.event(), target, status, attempt));
                attempts.accept("delivered");
                log.info("webhook {} for job {} delivered ({})", d.event(), d.jobId(), status);
            } else if (status / 100 == 3) {
                failed(d, target, attempt, "HTTP " + status + " (redirects are not followed)");
            } else {
                failed(d, target, attempt, "HTTP " + status);
            }
        } catch (RuntimeException | java.io.IOException e) {
            failed(d, target, attempt, describe(e));
        }
    }

    private void failed(WebhookDelivery d, String target, int attempt, String why) {
        if (attempt >= GIVE_UP_AFTER_ATTEMPTS) {
            giveUp(d, target, attempt, why);
            return;
        }
        Duration backoff = backoff(attempt);
        log.info(
                "webhook {} for job {} failed (attempt {}): {}; next try in {}",
                d.event(),
                d.jobId(),
                attempt,
                why,
                backoff);
        outbox.markFailed(
                d.id(),
                why,
                backoff,
                GIVE_UP_AFTER_ATTEMPTS,
                Timeline.webhookFailed(d.event(), target, why, attempt, backoff));
        attempts.accept("failed");
    }

    private void giveUp(WebhookDelivery d, String target, int attempt, String why) {
        log.warn("webhook {} for job {} failed (attempt {}): {}; giving up", d.event(), d.jobId(), attempt, why);
        outbox.markFailed(d.id(), why, Duration.ZERO, 0, Timeline.webhookFailed(d.event(), target, why, attempt, null));
        attempts.accept("given_up");
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null ? name : name + ": " + t.getMessage();
    }

    static Duration backoff(int attempt) {
        long seconds = 10L << Math.min(attempt - 1, 20);
        return Duration.ofSeconds(Math.min(seconds, 3600));
    }

    /** Hex HMAC-SHA256 of {@code deliveryId.timestamp.body}: what receivers recompute to verify. */
    public String sign(String deliveryId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((deliveryId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Stops the HTTP client, closing its connections. */
    @Override
    public void close() {
        PinnedHttpClient.stop(http);
    }
}
