package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How commands are wrapped, limited and judged, and how the sandbox mode is decided; with a fake runner. */
class ConfinedProcessRunnerTest {
    @TempDir
    Path tmp;

    private final List<List<String>> started = Collections.synchronizedList(new ArrayList<>());

    private ProcessRunner answering(ProcessResult result) {
        return r -> {
            started.add(r.command());
            return result;
        };
    }

    private static ProcessResult exit(int code, String... stderr) {
        return new ProcessResult(code, false, false, List.of(stderr), Duration.ofSeconds(1));
    }

    /** A PATH holding executables named {@code names} (never run: the runner under test is fake). */
    private Map<String, String> pathWith(String... names) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String n : names) {
            Path f = bin.resolve(n);
            Files.writeString(f, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return Map.of("PATH", bin.toString());
    }

    private Path ffmpeg() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("opt/ffmpeg/bin"));
        Path f = dir.resolve("ffmpeg");
        if (!Files.exists(f)) {
            Files.writeString(f, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return f;
    }

    /** A runner on Linux for {@link #ffmpeg()}, whose every run (the start-up check too) ends as {@code result}. */
    private ConfinedProcessRunner open(SandboxMode mode, ProcessLimits limits, ProcessResult result, String... onPath)
            throws IOException {
        return ConfinedProcessRunner.open(
                mode, limits, List.of(ffmpeg()), answering(result), pathWith(onPath), "Linux");
    }

    @Test
    void bwrap_wrapsEachCommand_showingOnlyTheSystemAndTheRequestsPaths() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work/task-1/out"));
        Path input = Files.writeString(tmp.resolve("uploads-input.mp4"), "media");
        ConfinedProcessRunner runner = open(SandboxMode.BWRAP, ProcessLimits.NONE, exit(0), "bwrap");
        started.clear();

        runner.run(
                new ProcessRequest(List.of(ffmpeg().toString(), "-i", input.toString()), work, null, null, null, null)
                        .reading(List.of(input)));

        List<String> c = started.getFirst();
        assertThat(c.getFirst()).endsWith("/bwrap");
        assertThat(c).containsSequence("--unshare-all", "--die-with-parent", "--new-session");
        assertThat(c).containsSequence("--clearenv");
        assertThat(c).containsSequence("--ro-bind", "/usr", "/usr");
        assertThat(c).containsSequence("--tmpfs", "/tmp");
        assertThat(c).containsSequence("--bind", work.toString(), work.toString());
        assertThat(c).containsSequence("--ro-bind", input.toString(), input.toString());
        assertThat(c)
                .as("the binary's own directory, outside the system directories")
                .containsSequence(
                        "--ro-bind",
                        ffmpeg().getParent().toString(),
                        ffmpeg().getParent().toString());
        assertThat(c).containsSequence("--chdir", work.toString(), "--", ffmpeg().toString(), "-i");
        assertThat(c).doesNotContain("--share-net", tmp.toString(), "/home", "/root");
        // nothing of the host's but what was named: the input's directory itself is not shown
        assertThat(c).doesNotContain(input.getParent().toString());
    }

    @Test
    void bwrap_refusesARequestNamingAPathThatDoesNotExist() throws IOException {
        ConfinedProcessRunner runner = open(SandboxMode.BWRAP, ProcessLimits.NONE, exit(0), "bwrap");

        assertThatThrownBy(() -> runner.run(ProcessRequest.of(List.of(ffmpeg().toString()), null)
                        .reading(List.of(tmp.resolve("gone.mp4")))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("gone.mp4 does not exist");
    }

    @Test
    void limits_prefixEveryCommandWithPrlimit_cpuWithAGraceBeforeSigkill() throws IOException {
        ConfinedProcessRunner runner = ConfinedProcessRunner.open(
                SandboxMode.OFF,
                new ProcessLimits(120, 1024L * 1024 * 1024),
                List.of(ffmpeg()),
                answering(exit(0)),
                pathWith("prlimit"),
                "Linux");
        started.clear();

        runner.run(ProcessRequest.of(List.of(ffmpeg().toString(), "-version"), null));

        assertThat(started.getFirst().subList(1, 5))
                .containsExactly("--cpu=120:125", "--as=1073741824", "--", ffmpeg().toString());
        assertThat(started.getFirst().getFirst()).endsWith("/prlimit");
    }

    @Test
    void auto_withoutBwrap_runsUnsandboxed_andSaysWhy() throws IOException {
        ConfinedProcessRunner runner = open(SandboxMode.AUTO, ProcessLimits.NONE, exit(0));

        assertThat(runner.confinement().sandbox()).isEqualTo("off");
        assertThat(runner.confinement().reason()).contains("no bwrap executable on PATH");
        assertThat(runner.confinement().toString()).contains("sandbox: off").contains("sandbox=auto");
        started.clear();
        runner.run(ProcessRequest.of(List.of(ffmpeg().toString(), "-version"), null));
        assertThat(started.getFirst()).containsExactly(ffmpeg().toString(), "-version");
    }

    @Test
    void auto_whereBwrapFailsItsCheck_runsUnsandboxed_withBwrapsWords() throws IOException {
        ConfinedProcessRunner runner = open(
                SandboxMode.AUTO,
                ProcessLimits.NONE,
                exit(1, "bwrap: No permissions to creating new namespace"),
                "bwrap");

        assertThat(runner.confinement().sandbox()).isEqualTo("off");
        assertThat(runner.confinement().reason())
                .contains("bwrap does not work here")
                .contains("No permissions to creating new namespace");
    }

    @Test
    void auto_whereBwrapWorks_sandboxes() throws IOException {
        String ffmpeg = ffmpeg().toString();
        ConfinedProcessRunner runner = open(SandboxMode.AUTO, ProcessLimits.NONE, exit(0), "bwrap");

        assertThat(runner.confinement().sandbox()).isEqualTo("bwrap");
        assertThat(started)
                .as("checked once by running the binary in the sandbox")
                .singleElement()
                .satisfies(c -> assertThat(c).endsWith(ffmpeg, "-hide_banner", "-version"));
    }

    @Test
    void bwrapRequired_butMissingOrBroken_isAStartupErrorNamingTheSetting() throws IOException {
        assertThatThrownBy(() -> open(SandboxMode.BWRAP, ProcessLimits.NONE, exit(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sandbox is bwrap")
                .hasMessageContaining("no bwrap executable on PATH")
                .hasMessageContaining("apt-get install bubblewrap");
        assertThatThrownBy(() -> open(
                        SandboxMode.BWRAP,
                        ProcessLimits.NONE,
                        exit(1, "bwrap: setting up uid map: Permission denied"),
                        "bwrap"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setting up uid map: Permission denied");
    }

    @Test
    void notLinux_auto_isOff_andLimitsAreReportedAsNotEnforced() throws IOException {
        ConfinedProcessRunner runner = ConfinedProcessRunner.open(
                SandboxMode.AUTO,
                new ProcessLimits(10, 0),
                List.of(ffmpeg()),
                answering(exit(0)),
                pathWith("bwrap", "prlimit"),
                "Mac OS X");

        assertThat(runner.confinement().sandbox()).isEqualTo("off");
        assertThat(runner.confinement().reason()).contains("only on Linux");
        assertThat(runner.confinement().limitsEnforced()).isFalse();
    }

    @Test
    void limitsTheBinariesCannotStartUnder_areAStartupErrorNamingTheSettings() throws IOException {
        assertThatThrownBy(() -> ConfinedProcessRunner.open(
                        SandboxMode.OFF,
                        new ProcessLimits(0, ProcessLimits.MIN_MEMORY_BYTES),
                        List.of(ffmpeg()),
                        answering(exit(
                                127,
                                "ffmpeg: error while loading shared libraries: libavdevice.so.59: failed to map segment"
                                        + " from shared object")),
                        pathWith("prlimit"),
                        "Linux"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encode_memory_bytes")
                .hasMessageContaining("failed to map segment");
    }

    @Test
    void aResultStoppedByALimit_saysWhichAndTheSetting() throws IOException {
        ProcessLimits limits = new ProcessLimits(30, 256L * 1024 * 1024);
        ProcessResult sigxcpu = exit(128 + 24);
        ProcessResult graceful = exit(255, "Exiting normally, received signal 24.");
        ProcessResult killedAfterItsTime =
                new ProcessResult(137, false, false, List.of(), Duration.ofSeconds(30), null);
        ProcessResult killedEarly = new ProcessResult(137, false, false, List.of(), Duration.ofSeconds(2), null);
        ProcessResult noMemory = exit(1, "[libx264 @ 0x5] malloc of size 99532800 failed");
        ProcessResult noMemoryToo = exit(1, "Error while filtering: Cannot allocate memory");
        ProcessResult noFrameBuffer = exit(1, "[mpeg4 @ 0x5] get_buffer() failed (-12 (nil))");
        ProcessResult plainFailure = exit(1, "file.mp4: Invalid data found when processing input");
        ProcessResult timedOut = new ProcessResult(137, true, false, List.of(), Duration.ofSeconds(60));

        assertThat(limits.exceeded(sigxcpu, 1).limit()).isEqualTo(ProcessLimits.Limit.CPU);
        assertThat(limits.exceeded(graceful, 1).limit()).isEqualTo(ProcessLimits.Limit.CPU);
        assertThat(limits.exceeded(killedAfterItsTime, 1).limit()).isEqualTo(ProcessLimits.Limit.CPU);
        assertThat(limits.exceeded(killedEarly, 2)).as("the OOM killer, say").isNull();
        assertThat(limits.exceeded(noMemory, 1).limit()).isEqualTo(ProcessLimits.Limit.MEMORY);
        assertThat(limits.exceeded(noMemoryToo, 1).limit()).isEqualTo(ProcessLimits.Limit.MEMORY);
        assertThat(limits.exceeded(noFrameBuffer, 1).limit()).isEqualTo(ProcessLimits.Limit.MEMORY);
        assertThat(limits.exceeded(plainFailure, 1)).isNull();
        assertThat(limits.exceeded(timedOut, 1)).as("the timeout's own code").isNull();
        assertThat(ProcessLimits.NONE.exceeded(noMemory, 1)).as("no limit set").isNull();
        assertThat(limits.exceeded(sigxcpu, 1).reason())
                .isEqualTo("it used its 30 CPU seconds (setting encode_cpu_seconds)");
        assertThat(limits.exceeded(noMemory, 1).reason())
                .isEqualTo("it ran out of its 256 MiB of memory (address space; setting encode_memory_bytes)");
        assertThat(limits.exceeded(noMemory, 1).errorCode().code()).isEqualTo("memory_limit_exceeded");
        assertThat(limits.exceeded(sigxcpu, 1).errorCode().code()).isEqualTo("cpu_limit_exceeded");
    }

    @Test
    void badLimitsAndModes_areRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new ProcessLimits(-1, 0)).hasMessageContaining("encode_cpu_seconds");
        assertThatThrownBy(() -> new ProcessLimits(0, 1000))
                .hasMessageContaining("encode_memory_bytes must be 0 (no limit) or at least");
        assertThatThrownBy(() -> SandboxMode.parse("docker"))
                .hasMessage("sandbox must be auto, bwrap or off, not 'docker'");
        assertThat(SandboxMode.parse(" BWRAP ")).isEqualTo(SandboxMode.BWRAP);
        assertThat(SandboxMode.parse(null)).isEqualTo(SandboxMode.AUTO);
        assertThat(ProcessLimits.defaultCpuSeconds(Duration.ofHours(6), 4)).isEqualTo(86_400);
    }
}
