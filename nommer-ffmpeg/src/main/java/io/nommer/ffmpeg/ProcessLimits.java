package io.nommer.ffmpeg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resource limits of every ffmpeg and ffprobe process, set as rlimits by util-linux's {@code prlimit} before the
 * process (or its sandbox) starts: a backstop behind the probe's input limits and the encode's wall-clock timeout.
 *
 * <p>CPU time ({@code RLIMIT_CPU}) counts every thread of the process: at the limit the kernel sends SIGXCPU (ffmpeg
 * stops as for SIGTERM), and {@value #CPU_GRACE_SECONDS} CPU seconds later SIGKILL. Memory is address space
 * ({@code RLIMIT_AS}, what the process maps, not only what it touches): past it allocations fail and ffmpeg stops
 * with "Cannot allocate memory".
 *
 * @param cpuSeconds CPU seconds per process (setting {@value #CPU_SETTING}); 0: no limit
 * @param memoryBytes address space per process in bytes (setting {@value #MEMORY_SETTING}); 0: no limit
 */
public record ProcessLimits(long cpuSeconds, long memoryBytes) {
    public static final String CPU_SETTING = "encode_cpu_seconds";
    public static final String MEMORY_SETTING = "encode_memory_bytes";
    /** No limits at all. */
    public static final ProcessLimits NONE = new ProcessLimits(0, 0);
    /**
     * 16 GiB of address space: a 4K x264 encode with its threads maps a few GiB; a decoder tricked into allocating
     * without end is stopped long before it takes the machine.
     */
    public static final long DEFAULT_MEMORY_BYTES = 16L * 1024 * 1024 * 1024;
    /** Between SIGXCPU and SIGKILL: time for ffmpeg to stop by itself and say why. */
    static final long CPU_GRACE_SECONDS = 5;
    /** The least memory that lets ffmpeg and its libraries even load. */
    public static final long MIN_MEMORY_BYTES = 64L * 1024 * 1024;

    private static final int SIGKILL = 9;
    private static final int SIGXCPU = 24;
    /**
     * ffmpeg's words when SIGXCPU stopped it ("Exiting normally, received signal 24.", "Received > 3 system signals"
     * when it came again while ffmpeg was finishing).
     */
    private static final Pattern CPU_SIGNAL = Pattern.compile("received signal 24|Received > 3 system signals");
    /**
     * What an allocation refused by RLIMIT_AS looks like in ffmpeg's, glibc's and the loader's words; {@code (-12}
     * is AVERROR(ENOMEM) as codecs print it ("get_buffer() failed (-12 (nil))").
     */
    private static final Pattern OUT_OF_MEMORY = Pattern.compile("(?i)cannot allocate memory|out of memory|"
            + "failed to map segment|std::bad_alloc|malloc of size \\d+ failed|pthread_create failed|\\(-12\\b");

    /** A resource limit, and the setting that raises it. */
    public enum Limit {
        CPU(CPU_SETTING),
        MEMORY(MEMORY_SETTING);

        private final String setting;

        Limit(String setting) {
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    /**
     * A limit that stopped a process.
     *
     * @param reason which limit, its value and the setting that raises it ("it used its 60 CPU seconds (setting
     *     encode_cpu_seconds)")
     */
    public record Exceeded(Limit limit, String reason) {
        /** The failed task's code: {@code cpu_limit_exceeded} or {@code memory_limit_exceeded}. */
        public io.nommer.core.failure.ErrorCode errorCode() {
            return limit == Limit.CPU
                    ? io.nommer.core.failure.ErrorCode.CPU_LIMIT_EXCEEDED
                    : io.nommer.core.failure.ErrorCode.MEMORY_LIMIT_EXCEEDED;
        }
    }

    public ProcessLimits {
        if (cpuSeconds < 0) {
            throw new IllegalArgumentException(CPU_SETTING + " cannot be negative, not " + cpuSeconds);
        }
        if (memoryBytes < 0 || (memoryBytes > 0 && memoryBytes < MIN_MEMORY_BYTES)) {
            throw new IllegalArgumentException(MEMORY_SETTING + " must be 0 (no limit) or at least " + MIN_MEMORY_BYTES
                    + " (64 MiB), not " + memoryBytes);
        }
    }

    /**
     * The default CPU limit: {@code encodeTimeout} of every core, so that it never stops an encode the timeout would
     * let finish; set lower to bound what one process may burn.
     */
    public static long defaultCpuSeconds(Duration encodeTimeout, int cores) {
        long seconds = encodeTimeout.toSeconds();
        int n = Math.max(1, cores);
        // why: saturate rather than overflow for an absurd timeout; a limit of centuries is no limit
        return seconds > Long.MAX_VALUE / 4 / n ? Long.MAX_VALUE / 4 : seconds * n;
    }

    public boolean none() {
        return cpuSeconds == 0 && memoryBytes == 0;
    }

    /** {@code prlimit --cpu=SOFT:HARD --as=BYTES --}, to put before a command; empty without limits. */
    List<String> prefix(Path prlimit) {
        if (none()) {
            return List.of();
        }
        List<String> p = new ArrayList<>(List.of(prlimit.toString()));
        if (cpuSeconds > 0) {
            p.add("--cpu=" + cpuSeconds + ":" + (cpuSeconds + CPU_GRACE_SECONDS));
        }
        if (memoryBytes > 0) {
            p.add("--as=" + memoryBytes);
        }
        p.add("--");
        return p;
    }

    /**
     * Which limit stopped the process that ended as {@code r}, or null. A process killed by SIGKILL counts as stopped by
     * the CPU limit only when it ran long enough to use it on {@code cores} cores: the OOM killer sends SIGKILL too.
     */
    Exceeded exceeded(ProcessResult r, int cores) {
        Limit limit = limit(r, cores);
        return limit == null ? null : new Exceeded(limit, describe(limit));
    }

    private Limit limit(ProcessResult r, int cores) {
        if (r.cancelled() || r.timedOut() || r.exitCode() == 0) {
            return null;
        }
        String tail = r.stderrText();
        if (cpuSeconds > 0) {
            boolean cpuSignal =
                    r.exitCode() == 128 + SIGXCPU || CPU_SIGNAL.matcher(tail).find();
            boolean killedLate =
                    r.exitCode() == 128 + SIGKILL && r.elapsed().toMillis() * Math.max(1, cores) >= cpuSeconds * 1000;
            if (cpuSignal || killedLate) {
                return Limit.CPU;
            }
        }
        if (memoryBytes > 0 && OUT_OF_MEMORY.matcher(tail).find()) {
            return Limit.MEMORY;
        }
        return null;
    }

    /** What a stopped process is told: which limit, its value, and the setting that raises it. */
    public String describe(Limit limit) {
        return switch (limit) {
            case CPU ->
                "it used its " + cpuSeconds + (cpuSeconds == 1 ? " CPU second" : " CPU seconds") + " (setting "
                        + CPU_SETTING + ")";
            case MEMORY ->
                "it ran out of its " + bytes(memoryBytes) + " of memory (address space; setting " + MEMORY_SETTING
                        + ")";
        };
    }

    static String bytes(long b) {
        long mib = 1024L * 1024;
        if (b % (1024 * mib) == 0) {
            return b / (1024 * mib) + " GiB";
        }
        if (b % mib == 0) {
            return b / mib + " MiB";
        }
        return b + " bytes";
    }

    @Override
    public String toString() {
        return CPU_SETTING + "=" + (cpuSeconds == 0 ? "none" : cpuSeconds) + ", " + MEMORY_SETTING + "="
                + (memoryBytes == 0 ? "none" : memoryBytes + " (" + bytes(memoryBytes) + ")");
    }
}
