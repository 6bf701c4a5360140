package io.nommer.server.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobStore;
import io.nommer.core.webhook.WebhookDelivery;
import io.nommer.core.webhook.WebhookOutbox;
import io.nommer.server.api.JobViews;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the webhook outbox: for each due row, POSTs the job's current JSON to its notify URL, signed with
 * HMAC-SHA256 over {@code <delivery id>.<timestamp>.<body>} in {@code Nommer-Signature: t=<ts>,v1=<hex>}.
 * Failures back off exponentially (capped at an hour) for over 24 hours before the delivery is given up.
 */
public final class WebhookRelay {
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
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public WebhookRelay(
            WebhookOutbox outbox,
            JobStore jobs,
            ObjectMapper mapper,
            JobViews views,
            String secret,
            InstantSource clock,
            String baseUrl) {
        this.outbox = outbox;
        this.views = views;
        this.jobs = jobs;
        this.mapper = mapper;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.baseUrl = baseUrl;
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
        try {
            Job job = jobs.find(d.jobId()).orElse(null);
            if (job == null) {
                outbox.markFailed(d.id(), "job no longer exists", Duration.ZERO, 0);
                return;
            }
            byte[] body = mapper.writeValueAsBytes(new Payload("whd_" + d.id(), d.event(), views.job(job, baseUrl)));
            long ts = clock.instant().getEpochSecond();
            HttpRequest req = HttpRequest.newBuilder(URI.create(d.url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "nommer-webhook/1")
                    .header("Nommer-Event", d.event())
                    .header("Nommer-Delivery", "whd_" + d.id())
                    .header("Nommer-Signature", "t=" + ts + ",v1=" + sign("whd_" + d.id(), ts, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
            if (res.statusCode() / 100 == 2) {
                outbox.markDelivered(d.id(), res.statusCode());
                log.info("webhook {} for job {} delivered ({})", d.event(), d.jobId(), res.statusCode());
            } else {
                failed(d, "HTTP " + res.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed(d, e.toString());
        }
    }

    private void failed(WebhookDelivery d, String why) {
        Duration backoff = backoff(d.attempts() + 1);
        log.info(
                "webhook {} for job {} failed (attempt {}): {}; next try in {}",
                d.event(),
                d.jobId(),
                d.attempts() + 1,
                why,
                backoff);
        outbox.markFailed(d.id(), why, backoff, GIVE_UP_AFTER_ATTEMPTS);
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
}
