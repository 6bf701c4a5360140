package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.encode.Cancellation;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The real runner on small standard Unix programs. */
class LocalProcessRunnerTest {
    private final LocalProcessRunner runner = new LocalProcessRunner(5);

    @Test
    void stdoutLinesReachTheConsumerAndTheExitCodeIsReported() {
        List<String> out = new CopyOnWriteArrayList<>();

        ProcessResult r = runner.run(
                new ProcessRequest(List.of("seq", "1", "1000"), null, Duration.ofSeconds(10), out::add, null, null));

        assertThat(r.succeeded()).isTrue();
        assertThat(out)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 1000)
                        .mapToObj(Integer::toString)
                        .toList());
    }

    @Test
    void stderrTailKeepsOnlyTheLastLines_andNonZeroExitIsReportedNotThrown() {
        List<String> err = new CopyOnWriteArrayList<>();

        // why a shell here: a test fixture that writes to stderr and fails; production code never uses one
        ProcessResult r = runner.run(new ProcessRequest(
                List.of("sh", "-c", "seq 1 100 >&2; exit 3"), null, Duration.ofSeconds(10), null, err::add, null));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThat(err).hasSize(100);
        assertThat(r.stderrTail()).containsExactly("96", "97", "98", "99", "100");
        assertThat(r.stderrText()).isEqualTo("96\n97\n98\n99\n100");
    }

    @Test
    void argumentsArePassedVerbatimWithoutAShell() {
        List<String> out = new CopyOnWriteArrayList<>();

        runner.run(new ProcessRequest(
                List.of("echo", "$HOME; rm -rf / `x` *"), null, Duration.ofSeconds(10), out::add, null, null));

        assertThat(out).containsExactly("$HOME; rm -rf / `x` *");
    }

    @Test
    void timeout_killsTheProcessAndItsChildren() throws Exception {
        long started = System.nanoTime();
        List<String> out = new CopyOnWriteArrayList<>();

        ProcessResult r = runner.run(new ProcessRequest(
                List.of("sh", "-c", "sleep 60 & echo $!; wait"), null, Duration.ofMillis(300), out::add, null, null));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(out.getFirst());
        assertGone(child);
    }

    @Test
    void cancel_killsTheRunningProcessPromptly() throws Exception {
        Cancellation cancel = new Cancellation();
        CountDownLatch started = new CountDownLatch(1);
        List<String> out = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                started.await();
                cancel.cancel("test");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();

        ProcessResult r = runner.run(new ProcessRequest(
                List.of("sh", "-c", "echo $$; sleep 60 & wait"),
                null,
                Duration.ofSeconds(30),
                line -> {
                    out.add(line);
                    started.countDown();
                },
                null,
                cancel));

        assertThat(r.cancelled()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertGone(Long.parseLong(out.getFirst()));
        assertThat(LiveProcesses.count()).isZero();
    }

    @Test
    void alreadyCancelled_killsAtOnce() {
        Cancellation cancel = new Cancellation();
        cancel.cancel("before start");

        ProcessResult r = runner.run(
                new ProcessRequest(List.of("sleep", "60"), null, Duration.ofSeconds(30), null, null, cancel));

        assertThat(r.cancelled()).isTrue();
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFailingConsumerDoesNotStallTheProcess() {
        ProcessResult r = runner.run(new ProcessRequest(
                List.of("seq", "1", "100000"),
                null,
                Duration.ofSeconds(20),
                line -> {
                    throw new IllegalStateException("listener bug");
                },
                null,
                null));

        assertThat(r.succeeded()).isTrue();
    }

    @Test
    void missingBinary_isUncheckedIoNamingIt() {
        assertThatThrownBy(() -> runner.run(ProcessRequest.of(List.of("/no/such/binary"), Duration.ofSeconds(1))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("/no/such/binary");
    }

    @Test
    void requestValidation() {
        assertThatThrownBy(() -> ProcessRequest.of(List.of(), null)).hasMessageContaining("binary");
        assertThatThrownBy(() -> ProcessRequest.of(List.of("x"), Duration.ZERO)).hasMessageContaining("timeout");
    }

    static void assertGone(long pid) throws InterruptedException {
        // a killed process may linger as a zombie for a moment until its parent reaps it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return;
            }
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                .as("process " + pid + " alive")
                .hasValue(false);
    }
}
