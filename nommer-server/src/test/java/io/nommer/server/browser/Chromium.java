package io.nommer.server.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the browser tests (the players, the dashboard): one browser process per page visit, with its
 * own fresh profile, killed with its whole process tree when the visit ends (also when the test fails or the JVM
 * exits).
 */
public final class Chromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private Chromium() {}

    /**
     * The browser to test with: {@code NOMMER_CHROMIUM}, or the first of {@link #NAMES} on the PATH. Skips the
     * calling test when there is none, or fails it when {@code CI=true}.
     */
    public static Path require() {
        String configured = System.getenv("NOMMER_CHROMIUM");
        Stream<Path> candidates = configured != null
                ? Stream.of(Path.of(configured))
                : Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(dir -> !dir.isEmpty())
                        .flatMap(dir -> NAMES.stream().map(name -> Path.of(dir, name)));
        return candidates.filter(Files::isExecutable).findFirst().orElseGet(() -> {
            String message = "the browser tests need Chromium ("
                    + (configured != null ? configured : NAMES + " on PATH") + "; Debian: apt-get install chromium)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: a missing browser fails the build instead of skipping tests)");
            }
            Assumptions.abort(message);
            return null;
        });
    }

    /** A running browser showing one page; closing it kills the browser. */
    public static final class Visit implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final Path profile;
        private final Thread killOnExit;

        private Visit(Process process, Path log, Path profile) {
            this.process = process;
            this.log = log;
            this.profile = profile;
            this.killOnExit = new Thread(this::kill, "kill chromium " + process.pid());
            Runtime.getRuntime().addShutdownHook(killOnExit);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** The browser's log, where the page's console messages are too (lines with "CONSOLE"). */
        public String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(log);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(no browser log: " + e + ")";
            }
        }

        /** Where the browser keeps its profile (and, with a remote debugging port, its DevToolsActivePort). */
        Path profile() {
            return profile;
        }

        @Override
        public void close() {
            kill();
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to remove
            }
        }

        private void kill() {
            // why: the browser runs under a wrapper script on Debian, and its renderer, GPU and zygote processes are
            // its descendants; snapshot the tree before killing, since orphans leave it
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            // why: polled, because the JDK notices the exit of a process that is not its child only slowly (seconds)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (process.isAlive() || !tree.stream().allMatch(Chromium::gone)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("chromium (" + process.pid() + ") did not exit: "
                            + tree.stream().filter(p -> !gone(p)).toList());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while stopping chromium " + process.pid(), e);
                }
            }
        }
    }

    /**
     * Whether a killed process has exited. A zombie has: only its exit status is left, for its new parent (PID 1) to
     * collect, which some container init processes do only about once a second.
     */
    private static boolean gone(ProcessHandle p) {
        if (!p.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
            // the state follows the command name, which is in parentheses and may itself contain spaces
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return !p.isAlive();
        }
    }

    /** Opens {@code url} in a new headless browser whose profile and log live in {@code dir}. */
    public static Visit visit(Path binary, String url, Path dir) {
        return visit(binary, url, dir, List.of());
    }

    /** The same, with more command-line switches (such as {@code --remote-debugging-port=0}). */
    public static Visit visit(Path binary, String url, Path dir, List<String> switches) {
        Path log = dir.resolve("chromium.log");
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--headless=new",
                // why: tests often run as root in containers, where Chromium's sandbox cannot start
                "--no-sandbox",
                "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + dir.resolve("profile"),
                "--no-first-run",
                "--no-default-browser-check",
                // why: no calls home (component updates, safe browsing lists) from a test machine
                "--disable-background-networking",
                "--disable-component-update",
                // why: the page's console messages go to the log, for a failure's diagnosis
                "--enable-logging=stderr",
                "--v=0"));
        cmd.addAll(switches);
        cmd.add(url);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Visit(p, log, dir.resolve("profile"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }
}
