package io.nommer.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.metrics.StoreMetrics;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code nommer serve} exports at {@code /metrics}, in Prometheus' text format (or OpenMetrics when asked): the
 * store's figures ({@link StoreGauges}: jobs, outputs, CPU and encode seconds, bytes, the queue, the workers), which
 * every orchestrator on one store exports alike, and this process's own: HTTP requests, the claims of its in-process
 * workers, the webhook deliveries it sent, the JVM and the connection pool.
 *
 * <p>Workers on other machines open no port: what they do is in the store (every task they finish, with its CPU
 * seconds and files; their heartbeats), which is where these figures come from. Their own JVMs are not exported.
 */
public final class ServerMetrics implements AutoCloseable {
    /** The text format Prometheus scrapes by default. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics, for a scraper that asks for it. */
    public static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** Request and claim times are kept in these buckets (cumulative histograms, for quantiles in Grafana). */
    private static final Duration[] REQUEST_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(25),
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        Duration.ofSeconds(2),
        Duration.ofSeconds(10)
    };

    private static final Duration[] CLAIM_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(25),
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        Duration.ofSeconds(2)
    };

    /** What became of a webhook delivery attempt. */
    public static final java.util.List<String> WEBHOOK_RESULTS = java.util.List.of("delivered", "failed", "given_up");

    private final PrometheusMeterRegistry registry;
    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private final StoreGauges store;
    private final Timer claims;
    private final Map<String, Counter> webhooks = new java.util.HashMap<>();

    /**
     * @param store the store's figures
     * @param fleet the workers' heartbeats
     */
    public ServerMetrics(StoreMetrics store, FleetRegistry fleet) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        this.store = new StoreGauges(registry, store, fleet);
        this.claims = Timer.builder("nommer.claims")
                .description("How long the claims of this process's in-process workers took (one transaction each)")
                .serviceLevelObjectives(CLAIM_BUCKETS)
                .register(registry);
        for (String result : WEBHOOK_RESULTS) {
            webhooks.put(
                    result,
                    Counter.builder("nommer.webhook.deliveries")
                            .description("Webhook delivery attempts this orchestrator made, by result")
                            .tag("result", result)
                            .register(registry));
        }
    }

    /** The registry, for binders such as the connection pool's. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Times the in-process workers' claims. */
    public Timer claims() {
        return claims;
    }

    /**
     * Counts one webhook delivery attempt this process made.
     *
     * @param result {@code delivered}, {@code failed} (to be tried again) or {@code given_up}
     */
    public void webhook(String result) {
        Counter c = webhooks.get(result);
        if (c == null) {
            throw new IllegalArgumentException("webhook result must be one of " + WEBHOOK_RESULTS + ", not " + result);
        }
        c.increment();
    }

    /** Records one HTTP request this process answered, by route template (never a path with ids in it). */
    public void request(String method, String route, int status, long nanos) {
        Timer.builder("nommer.http.requests")
                .description("HTTP requests answered, by method, route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** Stops listening to the JVM (a server stopped and started again in one JVM leaves nothing behind). */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** A scrape's content type for a request's {@code Accept} header: OpenMetrics when asked for, else text. */
    public static String contentType(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
                ? OPENMETRICS_FORMAT
                : TEXT_FORMAT;
    }

    /** Every metric in {@code contentType} ({@link #contentType}), the store's read again if stale. */
    public String scrape(String contentType) {
        store.refreshIfStale();
        return registry.scrape(contentType);
    }
}
