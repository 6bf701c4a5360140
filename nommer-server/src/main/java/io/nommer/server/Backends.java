package io.nommer.server;

import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.noop.NullEncoder;
import io.nommer.core.media.MediaProber;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.store.Store;
import io.nommer.core.worker.StackTools;
import io.nommer.core.worker.Worker;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.FfmpegEncoder;
import io.nommer.ffmpeg.FfprobeProber;
import io.nommer.server.config.ServerConfig;
import io.nommer.storage.Storages;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.local.LocalStorageConfig;
import io.nommer.storage.s3.S3StorageConfig;
import io.nommer.store.InProcessQueueSignal;
import io.nommer.store.postgres.PostgresQueueSignal;
import io.nommer.store.postgres.PostgresStores;
import io.nommer.store.sqlite.SqliteStores;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Store, its wake-up signal and the Storage that {@code nommer serve} and {@code nommer worker} share, chosen from
 * the configuration: SQLite in the data directory or PostgreSQL; local storage or an S3 bucket. Part of the
 * composition root: the only other place adapters are constructed.
 */
record Backends(ServerConfig config, Path data, Store store, QueueSignal signal, Storages storage)
        implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Backends.class);

    /**
     * Creates the data directory and opens the store and storage the configuration names.
     *
     * @throws IllegalArgumentException when the data directory cannot be created
     */
    static Backends open(ServerConfig config) {
        Path data = config.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("data directory " + data + " cannot be created: " + e.getMessage(), e);
        }
        Storages storage = storage(config, data);
        String url = config.store();
        // why: SQLite has no cross-process notifications; other processes on the same file find work by polling.
        QueueSignal signal =
                url == null || url.startsWith("sqlite:") ? new InProcessQueueSignal() : PostgresStores.signal(url);
        return new Backends(config, data, store(config, data), signal, storage);
    }

    /** Opens the store the configuration names (SQLite in {@code data} by default), migrated to this version. */
    static Store store(ServerConfig config, Path data) {
        String url = config.store();
        if (url == null || url.startsWith("sqlite:")) {
            Path db = url == null ? data.resolve("nommer.db") : Path.of(url.substring("sqlite:".length()));
            log.info("store: SQLite at {}", db.toAbsolutePath());
            return SqliteStores.open(db);
        }
        log.info("store: PostgreSQL at {}", ServerConfig.maskUrl(url));
        return PostgresStores.open(url);
    }

    private static Storages storage(ServerConfig config, Path data) {
        LocalStorageConfig local = LocalStorageConfig.of(data)
                .withInputRoots(config.inputRoots())
                .withOutputRoots(config.outputRoots())
                .withMaxInputBytes(config.maxInputBytes())
                .withMaxUploadBytes(config.maxUploadBytes());
        HttpFetchConfig http = HttpFetchConfig.defaults()
                .withMaxBytes(config.maxInputBytes())
                .withMinRate(config.minInputBytesPerSecond(), config.minInputRateWindow())
                .withAllowPrivateNetworks(config.allowPrivateNetworks());
        boolean s3Default = config.storage() != null && config.storage().startsWith("s3://");
        Optional<S3StorageConfig> s3 = Optional.empty();
        if (s3Default) {
            ServerConfig.S3Settings s = config.s3();
            S3StorageConfig c = S3StorageConfig.of(URI.create(config.storage()))
                    .withRegion(s.region())
                    .withPathStyleAccess(s.pathStyle())
                    .withMaxInputBytes(config.maxInputBytes());
            if (s.endpoint() != null) {
                c = c.withEndpoint(URI.create(s.endpoint()));
            }
            if (s.accessKey() != null) {
                c = c.withCredentials(s.accessKey(), s.secretKey());
            }
            s3 = Optional.of(c);
            log.info("storage: S3 at {}", config.storage());
        } else {
            log.info("storage: local, under {}", data);
        }
        return Storages.create(local, http, s3, s3Default ? Storages.DefaultStorage.S3 : Storages.DefaultStorage.LOCAL);
    }

    /**
     * How many tasks a null-encoder slot claims at once: a batch runs its tasks one after another without
     * heartbeats, so with a pause per task it must end within half the lease, or its leases would expire before it
     * completes them.
     */
    static int claimBatch(int batch, Duration lease, Duration pausePerTask) {
        if (pausePerTask.isZero()) {
            return batch;
        }
        return (int) Math.max(1, Math.min(batch, lease.toMillis() / 2 / Math.max(1, pausePerTask.toMillis())));
    }

    /**
     * Starts a worker with the configured slots, clouds, lease and timeout, encoding with each of the stacks'
     * binaries the tasks pinned to it ({@code toolchains} null with the null encoder, which needs no ffmpeg and takes
     * a task of any stack).
     */
    Worker startWorker(String workerId, Toolchains toolchains) {
        WorkerConfig wc = WorkerConfig.builder(workerId, data.resolve("work"))
                .slots(config.workers())
                .lease(config.lease())
                .encodeTimeout(config.encodeTimeout())
                .clouds(config.clouds())
                .claimBatch(claimBatch(WorkerConfig.DEFAULT_CLAIM_BATCH, config.lease(), config.nullEncoderPause()))
                .tenantLimits(config.tenantLimits())
                .build();
        boolean nullEncoder = config.encoder().equals(NullEncoder.NAME);
        if (!nullEncoder) {
            List<StackTools> stacks = toolchains.stacks().stream()
                    .map(t -> new StackTools(
                            t.stack(),
                            new FfmpegEncoder(t.binaries(), wc.maxInputPixels()),
                            new FfprobeProber(t.binaries())))
                    .toList();
            return new Worker(
                            wc,
                            store.queue(),
                            store.jobs(),
                            store.fleet(),
                            signal,
                            storage,
                            stacks,
                            storage,
                            InstantSource.system())
                    .start();
        }
        Encoder encoder = new NullEncoder(config.nullEncoderPause());
        MediaProber prober = file -> {
            throw new IllegalStateException("the null encoder probes nothing");
        };
        return new Worker(
                        wc,
                        store.queue(),
                        store.jobs(),
                        store.fleet(),
                        signal,
                        storage,
                        prober,
                        encoder,
                        storage,
                        InstantSource.system())
                .start();
    }

    @Override
    public void close() {
        if (signal instanceof PostgresQueueSignal p) {
            p.close();
        }
        storage.close();
        store.close();
    }
}
