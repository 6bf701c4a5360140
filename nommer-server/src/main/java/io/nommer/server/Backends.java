package io.nommer.server;

import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.EncoderContext;
import io.nommer.core.encode.EncoderPlugins;
import io.nommer.core.media.MediaProber;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.store.Store;
import io.nommer.core.worker.StackTools;
import io.nommer.core.worker.Worker;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.ConfinedProcessRunner;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfmpegEncoder;
import io.nommer.ffmpeg.FfmpegEncoderProvider;
import io.nommer.ffmpeg.FfprobeProber;
import io.nommer.ffmpeg.ProcessRunner;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
     * One confined runner per set of ffmpeg binaries (a stack's), as the {@code sandbox}, {@code encode_cpu_seconds}
     * and {@code encode_memory_bytes} settings say, each checked once, when first asked for, by running the binaries;
     * each logs what is in effect.
     *
     * <p>The function throws IllegalArgumentException when {@code sandbox bwrap} cannot work here, or the limits leave
     * ffmpeg unable to start.
     */
    static Function<FfmpegBinaries, ConfinedProcessRunner> processes(ServerConfig config) {
        Map<FfmpegBinaries, ConfinedProcessRunner> opened = new HashMap<>();
        return binaries -> opened.computeIfAbsent(
                binaries,
                b -> ConfinedProcessRunner.open(
                        config.processes().sandbox(), config.processes().limits(), b));
    }

    /**
     * The encoders on the class path and in the plug-in jars of the {@code plugins} folder (see
     * {@link ServerConfig#pluginsFolder()}), checked for the one the {@code encoder} setting names.
     *
     * @throws IllegalArgumentException when a plug-in jar is broken, or no loaded encoder has that name (the message
     *     lists the loaded ones)
     */
    static EncoderPlugins encoders(ServerConfig config) {
        Path folder = config.pluginsFolder();
        EncoderPlugins plugins = EncoderPlugins.load(folder);
        plugins.require(config.encoder());
        log.info(
                "encoders: {} (plugins folder: {}); workers run {}",
                String.join(
                        ", ",
                        plugins.loaded().stream()
                                .map(p -> p.name() + " (" + p.source() + ")")
                                .toList()),
                folder == null ? "none" : folder,
                config.encoder());
        return plugins;
    }

    /**
     * What a worker encodes with: the ffmpeg encoder and ffprobe of each stack ({@code stacks}), or one encoder (the
     * null encoder, a plug-in's) with its prober, which takes tasks of any stack.
     *
     * @param name as the worker reports it
     */
    record WorkerEncoder(String name, List<StackTools> stacks, Encoder encoder, MediaProber prober) {}

    /**
     * Creates what the {@code encoder} setting names: the ffmpeg encoder once per stack, or the plug-in's encoder
     * with ffprobe of the default stack when it reads the input (the worker probes every input and enforces the input
     * limits on what ffprobe says, whatever encodes it).
     *
     * @param toolchains the stacks; null when the encoder reads no input (it needs no ffmpeg)
     * @param processes the confined runner for a stack's binaries
     * @throws IllegalArgumentException when the encoder cannot start
     */
    static WorkerEncoder workerEncoder(
            ServerConfig config,
            EncoderPlugins plugins,
            Toolchains toolchains,
            Function<FfmpegBinaries, ? extends ProcessRunner> processes) {
        EncoderPlugins.Plugin plugin = plugins.require(config.encoder());
        long maxPixels = config.inputLimits().maxPixels();
        if (plugin.name().equals(FfmpegEncoderProvider.NAME)) {
            // why: the ffmpeg encoder runs its processes through the confined runner the composition root owns (one
            // sandbox check per stack, one set of limits for encodes and probes alike); a plug-in gets the context
            List<StackTools> stacks = toolchains.stacks().stream()
                    .map(t -> {
                        ProcessRunner runner = processes.apply(t.binaries());
                        return new StackTools(
                                t.stack(),
                                new FfmpegEncoder(t.binaries().ffmpeg(), runner, LadderMode.SINGLE_DECODE, maxPixels),
                                new FfprobeProber(t.binaries().ffprobe(), runner, FfprobeProber.DEFAULT_TIMEOUT));
                    })
                    .toList();
            return new WorkerEncoder(plugin.name(), stacks, null, null);
        }
        Encoder encoder = plugin.create(
                new EncoderContext(config.ffmpeg(), config.ffprobe(), maxPixels, config.nullEncoderPause()));
        MediaProber prober;
        if (plugin.needsInput()) {
            FfmpegBinaries binaries = toolchains.defaultStack().binaries();
            prober = new FfprobeProber(binaries.ffprobe(), processes.apply(binaries), FfprobeProber.DEFAULT_TIMEOUT);
        } else {
            prober = file -> {
                throw new IllegalStateException("encoder " + plugin.name() + " reads no input; nothing is probed");
            };
        }
        return new WorkerEncoder(plugin.name(), List.of(), encoder, prober);
    }

    /**
     * Exports the connection pool's figures (connections active, idle, pending; acquire times) to {@code registry}
     * when the store runs on one.
     */
    void bindPoolMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        if (store instanceof io.nommer.store.JdbcStore jdbc
                && jdbc.dataSource() instanceof com.zaxxer.hikari.HikariDataSource pool) {
            pool.setMetricRegistry(registry);
        }
    }

    /**
     * Starts a worker with the configured slots, clouds, lease and timeout, running {@code encoder}.
     *
     * @param queue the store's queue, or one that wraps it (to time the claims)
     */
    Worker startWorker(String workerId, WorkerEncoder encoder, TaskQueue queue) {
        WorkerConfig wc = WorkerConfig.builder(workerId, data.resolve("work"))
                .slots(config.workers())
                .lease(config.lease())
                .encodeTimeout(config.encodeTimeout())
                .clouds(config.clouds())
                .claimBatch(claimBatch(WorkerConfig.DEFAULT_CLAIM_BATCH, config.lease(), config.nullEncoderPause()))
                .tenantLimits(config.tenantLimits())
                .inputLimits(
                        config.inputLimits().maxSeconds(),
                        config.inputLimits().maxPixels(),
                        config.inputLimits().maxStreams())
                .encoder(encoder.name())
                .build();
        if (!encoder.stacks().isEmpty()) {
            return new Worker(
                            wc,
                            queue,
                            store.jobs(),
                            store.fleet(),
                            signal,
                            storage,
                            encoder.stacks(),
                            storage,
                            InstantSource.system())
                    .start();
        }
        return new Worker(
                        wc,
                        queue,
                        store.jobs(),
                        store.fleet(),
                        signal,
                        storage,
                        encoder.prober(),
                        encoder.encoder(),
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
