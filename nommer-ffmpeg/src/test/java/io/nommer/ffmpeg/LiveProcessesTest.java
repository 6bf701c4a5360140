package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that exits while a runner's process is running takes the process (and its children) with it. */
class LiveProcessesTest {

    /** Run in a child JVM: starts a long process through the runner, prints its pid, then exits the JVM. */
    public static void main(String[] args) {
        Thread.ofPlatform().start(() -> new LocalProcessRunner().run(new ProcessRequest(
                List.of("sh", "-c", "echo $$; sleep 60 & echo $!; wait"), null, Duration.ofMinutes(5),
                line -> System.out.println(line), null, null)));
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    @Test
    void jvmExit_killsRunningProcessesAndTheirDescendants() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LiveProcessesTest.class.getName()).redirectErrorStream(true).start();
        List<String> lines;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            lines = r.lines().filter(l -> l.matches("\\d+")).toList();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(lines).as("pids printed by the child JVM").hasSize(2);
        for (String pid : lines) {
            LocalProcessRunnerTest.assertGone(Long.parseLong(pid));
        }
    }
}
