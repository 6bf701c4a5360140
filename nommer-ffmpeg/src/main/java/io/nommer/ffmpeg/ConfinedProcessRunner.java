package io.nommer.ffmpeg;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner every ffmpeg and ffprobe process of a service goes through: each command is run under its
 * {@link ProcessLimits} ({@code prlimit}) and, where the {@link SandboxMode} allows, in a {@link Bubblewrap} sandbox that
 * shows it only the paths its {@link ProcessRequest} names. Configured once, at start ({@link #open}), which checks by
 * running the binaries that the sandbox and the limits work here; callers cannot run around it.
 *
 * <p>A run that a limit stopped is reported with {@link ProcessResult#limitExceeded()}.
 */
public final class ConfinedProcessRunner implements ProcessRunner {
    private static final Logger log = LoggerFactory.getLogger(ConfinedProcessRunner.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What is in effect, for the start-up log and {@code GET /v1/capabilities}.
     *
     * @param setting the {@code sandbox} setting
     * @param sandbox {@code bwrap} or {@code off}: what runs
     * @param reason why, in a sentence
     * @param limits the limits every process runs under
     * @param limitsEnforced false when limits are set but cannot be applied here (no {@code prlimit}: not Linux)
     */
    public record Confinement(
            SandboxMode setting, String sandbox, String reason, ProcessLimits limits, boolean limitsEnforced) {
        @Override
        public String toString() {
            return "sandbox: " + sandbox + " (setting " + SandboxMode.SETTING + "=" + setting.wireName() + ": " + reason
                    + "); limits: "
                    + (limits.none() ? "none" : limits + (limitsEnforced ? "" : ", NOT enforced: no prlimit here"));
        }
    }

    private final ProcessRunner delegate;
    private final Bubblewrap bubblewrap;
    private final List<String> limitPrefix;
    private final ProcessLimits limits;
    private final Confinement confinement;
    private final int cores;

    private ConfinedProcessRunner(
            ProcessRunner delegate,
            Bubblewrap bubblewrap,
            List<String> limitPrefix,
            ProcessLimits limits,
            Confinement confinement) {
        this.delegate = delegate;
        this.bubblewrap = bubblewrap;
        this.limitPrefix = List.copyOf(limitPrefix);
        this.limits = limits;
        this.confinement = confinement;
        this.cores = Runtime.getRuntime().availableProcessors();
    }

    /**
     * Decides and checks the confinement of {@code binaries}' processes, run by a {@link LocalProcessRunner}, and logs
     * what is in effect and why.
     *
     * @throws IllegalArgumentException naming the setting when {@code sandbox} is {@code bwrap} but bwrap is missing or
     *     does not work here, or when the binaries cannot even start under the limits
     */
    public static ConfinedProcessRunner open(SandboxMode mode, ProcessLimits limits, FfmpegBinaries binaries) {
        ConfinedProcessRunner r = open(
                mode,
                limits,
                List.of(binaries.ffmpeg(), binaries.ffprobe()),
                new LocalProcessRunner(),
                System.getenv(),
                System.getProperty("os.name", ""));
        log.info("{}", r.confinement);
        return r;
    }

    static ConfinedProcessRunner open(
            SandboxMode mode,
            ProcessLimits limits,
            List<Path> binaries,
            ProcessRunner delegate,
            Map<String, String> env,
            String osName) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(limits, "limits");
        boolean linux = osName.toLowerCase(Locale.ROOT).contains("linux");
        Path prlimit = linux ? onPath("prlimit", env) : null;
        List<String> prefix = prlimit == null ? List.of() : limits.prefix(prlimit);
        boolean enforced = limits.none() || prlimit != null;
        if (!enforced) {
            log.warn(
                    "{} and {} cannot be enforced: no prlimit (util-linux) on PATH{}",
                    ProcessLimits.CPU_SETTING,
                    ProcessLimits.MEMORY_SETTING,
                    linux ? "" : " (not Linux)");
        }
        if (!prefix.isEmpty()) {
            // why: a memory limit too small for the binaries and their libraries fails every run; say so now
            String failure = check(delegate, prefix, null, binaries);
            if (failure != null) {
                throw new IllegalArgumentException("ffmpeg cannot start under the process limits (" + limits + "): "
                        + failure + "; raise " + ProcessLimits.MEMORY_SETTING + " or " + ProcessLimits.CPU_SETTING);
            }
        }
        if (mode == SandboxMode.OFF) {
            return new ConfinedProcessRunner(
                    delegate, null, prefix, limits, new Confinement(mode, "off", "turned off", limits, enforced));
        }
        String unavailable = null;
        Bubblewrap bwrap = null;
        Path found = linux ? onPath("bwrap", env) : null;
        if (!linux) {
            unavailable = "bubblewrap sandboxes only on Linux, and this is " + osName;
        } else if (found == null) {
            unavailable = "no bwrap executable on PATH (Debian: apt-get install bubblewrap)";
        } else {
            bwrap = new Bubblewrap(found, binaries);
            String failure = check(delegate, prefix, bwrap, binaries);
            if (failure != null) {
                unavailable = "bwrap does not work here: " + failure;
                bwrap = null;
            }
        }
        if (unavailable == null) {
            return new ConfinedProcessRunner(
                    delegate,
                    bwrap,
                    prefix,
                    limits,
                    new Confinement(
                            mode,
                            "bwrap",
                            (mode == SandboxMode.AUTO ? "available and working: " : "")
                                    + "no network, the system read-only, only each task's files visible",
                            limits,
                            enforced));
        }
        if (mode == SandboxMode.BWRAP) {
            throw new IllegalArgumentException(SandboxMode.SETTING + " is bwrap, but " + unavailable
                    + "; install bubblewrap, or set " + SandboxMode.SETTING + " to auto or off");
        }
        log.warn("ffmpeg and ffprobe run without a sandbox: {}", unavailable);
        return new ConfinedProcessRunner(
                delegate, null, prefix, limits, new Confinement(mode, "off", unavailable, limits, enforced));
    }

    /** Runs each binary's {@code -version} as a real run would be wrapped; null when all work, else why not. */
    private static String check(ProcessRunner delegate, List<String> prefix, Bubblewrap bwrap, List<Path> binaries) {
        for (Path binary : binaries) {
            List<String> version = List.of(binary.toString(), "-hide_banner", "-version");
            ProcessRequest probe = ProcessRequest.of(version, CHECK_TIMEOUT);
            List<String> command = new ArrayList<>(prefix);
            command.addAll(bwrap == null ? version : bwrap.wrap(probe));
            ProcessResult r;
            try {
                r = delegate.run(probe.withCommand(command));
            } catch (UncheckedIOException e) {
                return e.getMessage();
            }
            if (!r.succeeded()) {
                String last = r.stderrTail().isEmpty()
                        ? ""
                        : ": " + r.stderrTail().getLast().strip();
                return binary.getFileName() + " -version exited with " + r.exitCode()
                        + (r.timedOut() ? " (timed out)" : "") + last;
            }
        }
        return null;
    }

    /** What is in effect. */
    public Confinement confinement() {
        return confinement;
    }

    @Override
    public ProcessResult run(ProcessRequest request) {
        String program = request.command().getFirst();
        if (!LocalProcessRunner.executable(program)) {
            // the wrapper would start and then fail to exec; report it as the start failure it is
            throw new UncheckedIOException(
                    "cannot start " + program + ": no such executable",
                    new IOException("No such file or not executable"));
        }
        List<String> command = new ArrayList<>(limitPrefix);
        command.addAll(bubblewrap == null ? request.command() : bubblewrap.wrap(request));
        ProcessResult r = delegate.run(request.withCommand(command));
        ProcessLimits.Exceeded hit = limitPrefix.isEmpty() ? null : limits.exceeded(r, cores);
        return hit == null ? r : r.withLimitExceeded(hit);
    }

    private static Path onPath(String name, Map<String, String> env) {
        for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }
}
