package io.nommer.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.encode.EncoderPlugins;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.retention.Retention;
import io.nommer.core.scaling.Scaler;
import io.nommer.core.scaling.WorkerProvider;
import io.nommer.core.service.FleetService;
import io.nommer.core.service.JobService;
import io.nommer.core.service.ProfileService;
import io.nommer.core.service.StackService;
import io.nommer.core.service.TenantService;
import io.nommer.core.service.UploadService;
import io.nommer.core.service.UsageService;
import io.nommer.core.store.Store;
import io.nommer.core.util.Ids;
import io.nommer.core.worker.Worker;
import io.nommer.ffmpeg.ConfinedProcessRunner;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfmpegCapabilities;
import io.nommer.ffmpeg.LiveProcesses;
import io.nommer.server.api.CloudsApi;
import io.nommer.server.api.JobViews;
import io.nommer.server.api.JobsApi;
import io.nommer.server.api.Json;
import io.nommer.server.api.KeysApi;
import io.nommer.server.api.MetaApi;
import io.nommer.server.api.MetricsApi;
import io.nommer.server.api.ProfilesApi;
import io.nommer.server.api.ServerPaths;
import io.nommer.server.api.StacksApi;
import io.nommer.server.api.StatsApi;
import io.nommer.server.api.ToolchainApi;
import io.nommer.server.api.UploadsApi;
import io.nommer.server.api.UsageApi;
import io.nommer.server.auth.KeyAuthenticator;
import io.nommer.server.auth.SignedUrls;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.dashboard.Dashboard;
import io.nommer.server.http.HttpServer;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.medianommer.MediaNommerApi;
import io.nommer.server.metrics.ServerMetrics;
import io.nommer.server.metrics.TimedTaskQueue;
import io.nommer.server.webhook.WebhookRelay;
import io.nommer.storage.Storages;
import io.nommer.storage.http.CheckedAddressResolver;
import io.nommer.storage.http.PinnedHttpClient;
import io.nommer.storage.s3.ObjectRead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code nommer serve}: the only place adapters are constructed. Runs the HTTP API, the
 * housekeeping loops (lease reaper, webhook relay, retention) and, unless {@code workers} is 0, in-process workers that use the
 * Store and Storage exactly as a standalone worker would.
 */
public final class NommerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NommerServer.class);
    private static final Duration REAPER_EVERY = Duration.ofSeconds(5);
    private static final Duration REAPER_BACKOFF = Duration.ofSeconds(10);

    private final ServerConfig config;
    private final Backends backends;
    private final HttpServer http;
    private final Worker worker;
    private final ScheduledExecutorService housekeeping;
    /** Null when retention is off. */
    private final ScheduledExecutorService retention;

    private final String baseUrl;
    private final Router router;
    private final WebhookRelay relay;
    /** Null when this orchestrator has no worker providers. */
    private final Scaler scaler;

    private final ServerMetrics metrics;
    /** Keeps the JVM's shutdown hook from killing ffmpeg while {@link #close()} gives it its grace (SIGTERM). */
    private final LiveProcesses.Deferral processKill;

    private NommerServer(
            ServerConfig config,
            Backends backends,
            HttpServer http,
            Worker worker,
            ScheduledExecutorService housekeeping,
            ScheduledExecutorService retention,
            String baseUrl,
            Router router,
            WebhookRelay relay,
            Scaler scaler,
            ServerMetrics metrics) {
        this.relay = relay;
        this.scaler = scaler;
        this.metrics = metrics;
        this.config = config;
        this.backends = backends;
        this.http = http;
        this.worker = worker;
        this.housekeeping = housekeeping;
        this.retention = retention;
        this.baseUrl = baseUrl;
        this.router = router;
        this.processKill = LiveProcesses.deferKill(config.shutdownGrace().plus(WorkerProcess.STOP_MARGIN));
    }

    /**
     * Opens the store {@code config} names, as the server would, for commands that work on it directly (such as
     * {@code nommer keys}); the caller closes it.
     */
    public static Store openStore(ServerConfig config) {
        Path data = config.dataDir().toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(data);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("data directory " + data + " cannot be created: " + e.getMessage(), e);
        }
        return Backends.store(config, data);
    }

    /** What {@code GET /v1/capabilities} says of the sandbox and the process limits. */
    private static ToolchainApi.Sandbox sandboxView(ConfinedProcessRunner.Confinement c) {
        return new ToolchainApi.Sandbox(
                c.sandbox(),
                c.setting().wireName(),
                c.reason(),
                c.limits().cpuSeconds() == 0 ? null : c.limits().cpuSeconds(),
                c.limits().memoryBytes() == 0 ? null : c.limits().memoryBytes(),
                c.limitsEnforced());
    }

    /**
     * Starts everything and returns once the API is listening.
     *
     * @throws IllegalArgumentException when the configuration cannot work (no ffmpeg, unusable data directory, a
     *     broken plug-in jar, an {@code encoder} that is not loaded or cannot start)
     */
    public static NommerServer start(ServerConfig config) {
        return start(config, List.of());
    }

    /**
     * @param providers what may start and stop workers for clouds with a scaling policy (such as {@link
     *     io.nommer.server.scaling.LocalWorkers}, which {@code nommer serve} passes); none: this orchestrator does not
     *     scale
     */
    public static NommerServer start(ServerConfig config, List<WorkerProvider> providers) {
        log.info("starting nommer: {}", config);
        Set<String> available = providers.stream().map(WorkerProvider::name).collect(Collectors.toSet());
        config.scaling().forEach((cloud, policy) -> {
            if (!available.contains(policy.provider())) {
                throw new IllegalArgumentException("scaling." + cloud + ".provider is " + policy.provider()
                        + ", which this orchestrator does not have (it has " + available + ")");
            }
        });
        EncoderPlugins encoders = Backends.encoders(config);
        Toolchains toolchains = Toolchains.detect(config);
        Function<FfmpegBinaries, ConfinedProcessRunner> processes = Backends.processes(config);
        // the default stack's runner: what GET /v1/capabilities reports, and the first sandbox check
        ConfinedProcessRunner defaultProcesses =
                processes.apply(toolchains.defaultStack().binaries());
        FfmpegCapabilities capabilities = toolchains.defaultStack().capabilities();
        log.info("using {}", capabilities.summary());
        // why: before the store is opened, so that an encoder that cannot start stops nothing half-started
        Backends.WorkerEncoder workerEncoder =
                config.workers() > 0 ? Backends.workerEncoder(config, encoders, toolchains, processes) : null;
        InstantSource clock = InstantSource.system();
        ObjectMapper mapper = Json.mapper();
        Backends backends = Backends.open(config);
        Path data = backends.data();
        Store store = backends.store();
        Storages storage = backends.storage();
        QueueSignal signal = backends.signal();
        StackService stacks = new StackService(store.fleet(), toolchains.catalog(), clock);
        TenantService tenants = new TenantService(store.keys(), store.quotas(), config.tenantLimits(), clock);
        JobService jobs = new JobService(
                store.jobs(),
                store.fleet(),
                store.profiles(),
                storage,
                storage,
                signal,
                new Ids(clock),
                config.allowPrivateNetworks(),
                store.uploadOwners(),
                tenants,
                store.retention(),
                stacks);

        ServerMetrics metrics = new ServerMetrics(store.metrics(), store.fleet());
        backends.bindPoolMetrics(metrics.registry());
        Worker worker = workerEncoder != null
                ? backends.startWorker(
                        "serve-" + ProcessHandle.current().pid(),
                        workerEncoder,
                        new TimedTaskQueue(store.queue(), metrics.claims()))
                : null;

        Router router = new Router(mapper, config.http().publicUrl()).observer(metrics::request);
        if (config.authRequired()) {
            router.authenticator(new KeyAuthenticator(store.keys(), java.time.Clock.systemUTC()));
            log.info("authentication: API keys required (Authorization: Bearer <key>); "
                    + "make the first with nommer keys create");
        } else {
            log.info("authentication: off (the API is on loopback; every request acts as the admin)");
        }
        String secret = webhookSecret(config, data);
        SignedUrls signedUrls = new SignedUrls(secret, config.http().signedUrlLifetime(), clock);
        FleetService fleet = new FleetService(store.fleet(), available);
        config.scaling().forEach((cloud, policy) -> {
            // why: the configuration is the operator's word at start; the API may change a policy afterwards
            fleet.putCloud(cloud, new FleetService.CloudChange(null, null, true, policy));
            log.info("scaling cloud {} as configured: {}", cloud, policy);
        });
        JobViews views = new JobViews(new ServerPaths(data), config.authRequired() ? signedUrls : null, fleet::pricing);
        new JobsApi(
                        jobs,
                        views,
                        mapper,
                        (uri, contentType, req) -> {
                            // byte ranges and conditional requests: Jetty answers them for a local file, S3 for its
                            // objects
                            Optional<Path> local = storage.localFile(uri);
                            if (local.isPresent()) {
                                return Optional.of(Response.file(local.get().toUri(), contentType));
                            }
                            if (!"s3".equals(uri.getScheme())) {
                                return Optional.empty();
                            }
                            return storage.readS3(uri, conditions(req)).map(r -> response(r, contentType));
                        },
                        signedUrls)
                .register(router);
        new UploadsApi(new UploadService(
                        storage, config.maxUploadBytes(), store.uploadOwners(), tenants, store.retention()))
                .register(router);
        new KeysApi(store.keys(), tenants).register(router);
        new ProfilesApi(new ProfileService(store.profiles()), mapper).register(router);
        new CloudsApi(fleet).register(router);
        new UsageApi(new UsageService(store.jobs(), fleet::pricing, clock)).register(router);
        new ToolchainApi(
                        capabilities,
                        storage.s3().isPresent(),
                        sandboxView(defaultProcesses.confinement()),
                        encoders,
                        config.encoder())
                .register(router);
        new StacksApi(stacks).register(router);
        new StatsApi(store.activity()).register(router);
        new MetaApi().register(router);
        new MetricsApi(metrics, config.http().metricsToken()).register(router);
        new Dashboard().register(router);
        if (config.mediaNommerCompat()) {
            new MediaNommerApi(jobs, config.http().mediaNommerTenant(), config.authRequired()).register(router);
            log.info(
                    "media-nommer compatibility: POST /job/submit served{}",
                    config.authRequired()
                            ? " without a key, its jobs in tenant "
                                    + config.http().mediaNommerTenant()
                            : "");
        }

        HttpServer http;
        try {
            http = HttpServer.start(
                    new HttpServer.Settings(
                            config.bind(),
                            config.port(),
                            config.http().idleTimeout(),
                            config.http().corsOrigins(),
                            config.http().tlsKeystore(),
                            config.http().tlsKeystorePassword()),
                    router,
                    mapper);
        } catch (IllegalArgumentException e) {
            backends.close();
            if (worker != null) {
                worker.stop(Duration.ZERO);
            }
            metrics.close();
            throw e;
        }
        String own = http.baseUrl(config.bind());
        String publicUrl = config.http().publicUrl() != null ? config.http().publicUrl() : own;

        WebhookRelay relay = new WebhookRelay(
                        store.outbox(),
                        store.jobs(),
                        mapper,
                        views,
                        secret,
                        clock,
                        publicUrl,
                        PinnedHttpClient.start(
                                "nommer-webhook",
                                CheckedAddressResolver.of(config.allowPrivateNetworks()),
                                Duration.ofSeconds(5),
                                "nommer-webhook/1"))
                .observedBy(metrics::webhook);
        ScheduledExecutorService housekeeping = Executors.newScheduledThreadPool(
                1, Thread.ofPlatform().name("nommer-housekeeping").daemon().factory());
        housekeeping.scheduleWithFixedDelay(
                () -> guard("lease reaper", () -> {
                    int n = store.queue().reapExpiredLeases(REAPER_BACKOFF);
                    if (n > 0) {
                        log.info("lease reaper re-queued or failed {} task(s) with expired leases", n);
                        signal.signal();
                    }
                }),
                REAPER_EVERY.toMillis(),
                REAPER_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(
                () -> guard("webhook relay", relay::deliverDue), 1000, 1000, TimeUnit.MILLISECONDS);
        ScheduledExecutorService retention = startRetention(config, store, storage);
        Scaler scaler = providers.isEmpty() ? null : startScaler(store, providers, housekeeping, clock);
        String bound = (config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind()) + ":" + http.port();
        if (config.http().publicUrl() != null) {
            log.info("nommer listening on {}; links and webhooks name {} (public_url)", bound, publicUrl);
        } else if (HttpServer.isWildcard(config.bind())) {
            log.info(
                    "nommer listening on {} (every interface); links name the address each request came in on, "
                            + "webhooks name {}; set public_url to the address clients use",
                    bound,
                    publicUrl);
        } else {
            log.info("nommer listening on {}", own);
        }
        return new NommerServer(
                config, backends, http, worker, housekeeping, retention, own, router, relay, scaler, metrics);
    }

    /** Scales the clouds that have a policy, every {@link Scaler#INTERVAL}, on the housekeeping thread. */
    private static Scaler startScaler(
            Store store, List<WorkerProvider> providers, ScheduledExecutorService housekeeping, InstantSource clock) {
        Scaler scaler = new Scaler(
                store.fleet(),
                providers.stream().collect(Collectors.toMap(WorkerProvider::name, p -> p)),
                "serve-" + Worker.hostName() + "-" + ProcessHandle.current().pid(),
                clock);
        housekeeping.scheduleWithFixedDelay(
                () -> guard("scaler", scaler::tick), 0, Scaler.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info(
                "scaler: providers {}, looking every {} s",
                providers.stream().map(WorkerProvider::name).toList(),
                Scaler.INTERVAL.toSeconds());
        return scaler;
    }

    /**
     * Deletes expired jobs and uploads now and then, on a thread of its own: a pass pauses between its batches, and
     * must not hold up the lease reaper or the webhook relay meanwhile. Null when retention is off.
     */
    private static ScheduledExecutorService startRetention(ServerConfig config, Store store, Storages storage) {
        if (!config.retention().deletesJobs() && !config.retention().deletesUploads()) {
            log.info("retention: off (finished jobs and uploads are kept forever)");
            return null;
        }
        Retention retention = new Retention(store.retention(), storage, storage, config.retention());
        long every = config.retention().interval().toMillis();
        log.info("retention: {}, looking every {} s", config.retention(), every / 1000.0);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("nommer-retention").daemon().factory());
        executor.scheduleWithFixedDelay(() -> guard("retention", retention::run), every, every, TimeUnit.MILLISECONDS);
        return executor;
    }

    /** What a client's request asks of an object in S3 beyond the object itself. */
    private static ObjectRead.Conditions conditions(Request req) {
        Instant since = null;
        String v = req.header("If-Modified-Since");
        if (v != null && req.header("If-None-Match") == null) {
            try {
                since = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException e) {
                // RFC 9110: a date that does not parse is ignored
            }
        }
        return new ObjectRead.Conditions(req.header("Range"), req.header("If-None-Match"), since);
    }

    private static Response response(ObjectRead r, String contentType) {
        Response resp = r.body() != null
                ? Response.stream(r.status(), contentType, r.body(), r.length())
                : Response.empty(r.status());
        resp.header("Accept-Ranges", "bytes");
        if (r.contentRange() != null) {
            resp.header("Content-Range", r.contentRange());
        }
        if (r.etag() != null) {
            resp.header("ETag", r.etag());
        }
        if (r.lastModified() != null) {
            resp.header(
                    "Last-Modified",
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(r.lastModified().atZone(ZoneOffset.UTC)));
        }
        return resp;
    }

    private static void awaitQuietly(ScheduledExecutorService executor, Duration timeout) {
        try {
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void guard(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("{} failed; will try again: {}", what, e.toString());
        }
    }

    /** The configured secret, or one generated once and kept in the data directory (readable by its owner only). */
    private static String webhookSecret(ServerConfig config, Path data) {
        if (config.webhookSecret() != null) {
            return config.webhookSecret();
        }
        Path file = data.resolve("webhook-secret");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String secret = HexFormat.of().formatHex(b);
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the data directory's own permissions apply
            }
            log.info("generated a webhook signing secret in {}", file);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return http.port();
    }

    public Store store() {
        return backends.store();
    }

    public ServerConfig config() {
        return config;
    }

    /** Every route, for checking the OpenAPI document. */
    public java.util.List<String> routes() {
        return router.routes();
    }

    /** Stops accepting requests, lets running encodes finish for {@code shutdown_grace_seconds}, releases the rest. */
    @Override
    public void close() {
        log.info("nommer shutting down");
        try {
            http.close();
            housekeeping.shutdownNow();
            if (retention != null) {
                retention.shutdownNow();
                // why: a pass stops at its next pause; let it finish its statement before the store closes
                awaitQuietly(retention, Duration.ofSeconds(10));
            }
            relay.close();
            if (scaler != null) {
                scaler.close();
            }
            if (worker != null) {
                worker.stop(config.shutdownGrace());
            }
            backends.close();
            metrics.close();
        } finally {
            // why: however the stop went, the JVM's hook may now kill what is left instead of waiting out the grace
            processKill.close();
        }
    }
}
