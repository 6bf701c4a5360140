package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that exits while a runner's process is running takes the process (and its children) with it. */
class LiveProcessesTest {

    /**
     * Run in a child JVM: starts a long process through the runner and prints its pid; then exits the JVM, or with
     * argument {@code wait} keeps running until it is killed. With {@code deferred SECONDS} the kill at exit is
     * deferred that long (never released, as by a worker whose graceful stop takes all of it) and the process is one
     * that prints {@code finished} after three seconds.
     */
    public static void main(String[] args) {
        if (args.length > 1 && args[0].equals("deferred")) {
            LiveProcesses.deferKill(Duration.ofSeconds(Long.parseLong(args[1])));
            CountDownLatch started = new CountDownLatch(1);
            Thread.ofPlatform()
                    .start(() -> new LocalProcessRunner()
                            .run(new ProcessRequest(
                                    List.of("sh", "-c", "echo $$; sleep 3; echo finished"),
                                    null,
                                    Duration.ofMinutes(5),
                                    line -> {
                                        System.out.println(line);
                                        started.countDown();
                                    },
                                    null,
                                    null)));
            try {
                // why: exit only once the process runs (it printed its pid), however slow the machine is
                started.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("wait")) {
            Thread.ofPlatform()
                    .start(() -> new LocalProcessRunner()
                            .run(new ProcessRequest(
                                    List.of("sleep", "60"), null, Duration.ofMinutes(5), null, null, null)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                var sleeping = ProcessHandle.current()
                        .descendants()
                        .filter(p ->
                                p.info().command().map(c -> c.endsWith("sleep")).orElse(false))
                        .findFirst();
                if (sleeping.isPresent()) {
                    System.out.println(sleeping.get().pid());
                    break;
                }
                Thread.onSpinWait();
            }
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        CountDownLatch bothPids = new CountDownLatch(2);
        Thread.ofPlatform()
                .start(() -> new LocalProcessRunner()
                        .run(new ProcessRequest(
                                List.of("sh", "-c", "echo $$; sleep 60 & echo $!; wait"),
                                null,
                                Duration.ofMinutes(5),
                                line -> {
                                    System.out.println(line);
                                    bothPids.countDown();
                                },
                                null,
                                null)));
        try {
            // why: exit only once the shell and its child run (both printed their pids), however slow the machine is
            bothPids.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    @Test
    void jvmExit_killsRunningProcessesAndTheirDescendants() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), LiveProcessesTest.class.getName())
                .redirectErrorStream(true)
                .start();
        List<String> lines;
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            lines = r.lines().filter(l -> l.matches("\\d+")).toList();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(lines).as("pids printed by the child JVM").hasSize(2);
        for (String pid : lines) {
            LocalProcessRunnerTest.assertGone(Long.parseLong(pid));
        }
    }

    @Test
    void jvmExit_withTheKillDeferred_letsTheProcessFinish() throws Exception {
        List<String> lines = runChild("deferred", "30");

        assertThat(lines).as("what the child JVM printed").contains("finished");
    }

    @Test
    void jvmExit_withTheKillDeferred_killsWhatIsStillRunningWhenTheDeferralRunsOut() throws Exception {
        long started = System.nanoTime();
        List<String> lines = runChild("deferred", "1");

        assertThat(lines).as("what the child JVM printed").doesNotContain("finished");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        LocalProcessRunnerTest.assertGone(Long.parseLong(
                lines.stream().filter(l -> l.matches("\\d+")).findFirst().orElseThrow()));
    }

    private static List<String> runChild(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), LiveProcessesTest.class.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines;
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            lines = r.lines().toList();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return lines;
    }

    @Test
    void sigkilledJvm_takesItsProcessesWithIt() throws Exception {
        assertThat(LocalProcessRunner.PARENT_DEATH_PREFIX)
                .as("setpriv --pdeathsig (util-linux) is needed on Linux")
                .isNotEmpty();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), LiveProcessesTest.class.getName(), "wait")
                .redirectErrorStream(true)
                .start();
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String pid = r.lines().filter(l -> l.matches("\\d+")).findFirst().orElseThrow();
        assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive))
                .contains(true);

        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        LocalProcessRunnerTest.assertGone(Long.parseLong(pid));
    }
}
