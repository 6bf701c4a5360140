package io.nommer.core.worker;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.tenant.TenantLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a worker runs. Built with {@link #builder}, defaulted by the named constants below, validated on construction
 * with messages that name the setting ({@code workers}, {@code lease_seconds}, ...) as users write it.
 *
 * @param slots tasks encoded at once (setting {@code workers}, {@code --slots})
 * @param lease how long a claim lasts without a heartbeat ({@code lease_seconds})
 * @param heartbeat how often leases are extended and progress stored (progress is throttled to this)
 * @param idlePoll how long an idle slot waits for a wake-up before polling the queue again
 * @param encodeTimeout the longest one output may take ({@code encode_timeout_seconds})
 * @param retryBackoff delay before a transiently failed task runs again (times the attempt number)
 * @param maxInputSeconds inputs longer than this are refused ({@code max_input_seconds})
 * @param maxInputPixels inputs with more pixels per frame than this are refused ({@code max_input_pixels})
 * @param maxInputStreams inputs with more streams than this are refused ({@code max_input_streams})
 * @param clouds the clouds whose tasks this worker claims ({@code clouds})
 * @param claimBatch how many tasks a slot claims at once when its encoder needs no input (the null encoder); encoders
 *     that do real work always claim one at a time, so that no task waits behind another's encode
 * @param tenantLimits the limits of tenants that set none themselves ({@code tenant_limits.*}): the claim holds each
 *     tenant to its running tasks, and the probe to its input limits
 * @param encoder the name of the encoder the worker runs ({@code encoder}), which it reports for operators
 */
public record WorkerConfig(
        String workerId,
        int slots,
        Path workRoot,
        Duration lease,
        Duration heartbeat,
        Duration idlePoll,
        Duration encodeTimeout,
        Duration retryBackoff,
        double maxInputSeconds,
        long maxInputPixels,
        int maxInputStreams,
        List<String> clouds,
        int claimBatch,
        TenantLimits tenantLimits,
        String encoder) {

    public static final int DEFAULT_SLOTS = 1;
    public static final int MAX_SLOTS = 256;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration MIN_LEASE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_IDLE_POLL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_ENCODE_TIMEOUT = Duration.ofHours(6);
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(10);
    public static final double DEFAULT_MAX_INPUT_SECONDS = 12 * 3600;
    public static final long DEFAULT_MAX_INPUT_PIXELS = 7680L * 4320;
    /**
     * Inputs with more streams than this are refused: broadcast files carry a few dozen at most (MXF with 16 mono
     * audio tracks), while every stream costs the demuxer and the probe memory and time.
     */
    public static final int DEFAULT_MAX_INPUT_STREAMS = 64;
    /**
     * Inputs declaring more than {@link #SPARSE_INPUT_SECONDS} of media must hold at least this many bytes per
     * second of it. Real media does by far (speech at 8 kbit/s is 1,000; a still picture encoded as video several
     * hundred); a file whose timestamps jump over hours that no packet fills (two frames ten hours apart, 4 KB) does
     * not, and would be encoded as hours of repeated frames.
     */
    public static final int MIN_INPUT_BYTES_PER_SECOND = 100;
    /** Below this declared length, a sparse input costs too little to refuse (see MIN_INPUT_BYTES_PER_SECOND). */
    public static final double SPARSE_INPUT_SECONDS = 600;
    /**
     * Measured with {@code ./bench throughput}: 64 left the two slots waiting on commits with a core idle, 500 was
     * no better than 200 (BENCHMARKS.md).
     */
    public static final int DEFAULT_CLAIM_BATCH = 200;

    public static final int MAX_CLAIM_BATCH = 1000;
    public static final String DEFAULT_ENCODER = "ffmpeg";

    public WorkerConfig {
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("worker id must not be blank");
        }
        if (workRoot == null) {
            throw new IllegalArgumentException("the work directory (under setting data) must be set");
        }
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_SLOTS + ", not " + slots);
        }
        if (lease == null || lease.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException("lease_seconds cannot be less than " + MIN_LEASE.toSeconds() + ", not "
                    + (lease == null ? null : lease.toSeconds()));
        }
        if (heartbeat == null
                || heartbeat.isNegative()
                || heartbeat.isZero()
                || heartbeat.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException("the heartbeat (" + heartbeat + ") must be positive and at most half "
                    + "of lease_seconds (" + lease.toSeconds() + ")");
        }
        if (idlePoll == null || idlePoll.isNegative() || idlePoll.isZero()) {
            throw new IllegalArgumentException("the idle poll interval must be positive, not " + idlePoll);
        }
        if (encodeTimeout == null || encodeTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("encode_timeout_seconds cannot be less than 1");
        }
        if (retryBackoff == null || retryBackoff.isNegative()) {
            throw new IllegalArgumentException("the retry backoff cannot be negative, not " + retryBackoff);
        }
        if (!(maxInputSeconds > 0)) {
            throw new IllegalArgumentException("max_input_seconds must be positive, not " + maxInputSeconds);
        }
        if (maxInputPixels <= 0) {
            throw new IllegalArgumentException("max_input_pixels must be positive, not " + maxInputPixels);
        }
        if (maxInputStreams <= 0) {
            throw new IllegalArgumentException("max_input_streams must be positive, not " + maxInputStreams);
        }
        clouds = clouds == null || clouds.isEmpty() ? List.of(Cloud.DEFAULT) : List.copyOf(clouds);
        for (String c : clouds) {
            if (!Cloud.validName(c)) {
                throw new IllegalArgumentException("clouds: '" + c + "' is not a valid cloud name (1-64 of a-z, 0-9, "
                        + "'.', '_', '-', starting with a letter or digit)");
            }
        }
        if (claimBatch < 1 || claimBatch > MAX_CLAIM_BATCH) {
            throw new IllegalArgumentException(
                    "the claim batch must be between 1 and " + MAX_CLAIM_BATCH + ", not " + claimBatch);
        }
        tenantLimits = tenantLimits == null ? TenantLimits.NONE : tenantLimits;
        if (encoder == null || encoder.isBlank()) {
            throw new IllegalArgumentException("encoder must not be blank");
        }
    }

    /** A worker named {@code workerId} working under {@code workRoot}, every other setting at its default. */
    public static Builder builder(String workerId, Path workRoot) {
        return new Builder(workerId, workRoot);
    }

    /** Settings one by one; {@link #build} validates them together. */
    public static final class Builder {
        private final String workerId;
        private final Path workRoot;
        private int slots = DEFAULT_SLOTS;
        private Duration lease = DEFAULT_LEASE;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private Duration idlePoll = DEFAULT_IDLE_POLL;
        private Duration encodeTimeout = DEFAULT_ENCODE_TIMEOUT;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private double maxInputSeconds = DEFAULT_MAX_INPUT_SECONDS;
        private long maxInputPixels = DEFAULT_MAX_INPUT_PIXELS;
        private int maxInputStreams = DEFAULT_MAX_INPUT_STREAMS;
        private List<String> clouds = List.of(Cloud.DEFAULT);
        private int claimBatch = DEFAULT_CLAIM_BATCH;
        private TenantLimits tenantLimits = TenantLimits.NONE;
        private String encoder = DEFAULT_ENCODER;

        private Builder(String workerId, Path workRoot) {
            this.workerId = workerId;
            this.workRoot = workRoot;
        }

        public Builder slots(int n) {
            slots = n;
            return this;
        }

        /** The lease, and the heartbeat that renews it (at most half the lease). */
        public Builder lease(Duration lease, Duration heartbeat) {
            this.lease = lease;
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        public Builder idlePoll(Duration d) {
            idlePoll = d;
            return this;
        }

        public Builder encodeTimeout(Duration d) {
            encodeTimeout = d;
            return this;
        }

        public Builder retryBackoff(Duration d) {
            retryBackoff = d;
            return this;
        }

        public Builder inputLimits(double seconds, long pixels) {
            maxInputSeconds = seconds;
            maxInputPixels = pixels;
            return this;
        }

        /** The probe's limits: length, pixels per frame, streams. */
        public Builder inputLimits(double seconds, long pixels, int streams) {
            inputLimits(seconds, pixels);
            maxInputStreams = streams;
            return this;
        }

        public Builder clouds(List<String> names) {
            clouds = names;
            return this;
        }

        public Builder claimBatch(int n) {
            claimBatch = n;
            return this;
        }

        public Builder tenantLimits(TenantLimits defaults) {
            tenantLimits = defaults;
            return this;
        }

        /** The encoder's name, as the worker reports it. */
        public Builder encoder(String name) {
            encoder = name;
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad setting */
        public WorkerConfig build() {
            return new WorkerConfig(
                    workerId,
                    slots,
                    workRoot,
                    lease,
                    heartbeat,
                    idlePoll,
                    encodeTimeout,
                    retryBackoff,
                    maxInputSeconds,
                    maxInputPixels,
                    maxInputStreams,
                    clouds,
                    claimBatch,
                    tenantLimits,
                    encoder);
        }
    }
}
