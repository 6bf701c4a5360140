package io.nommer.ffmpeg;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process nommer started that is still running, so that a JVM shutdown (SIGTERM, System.exit) kills them
 * instead of leaving orphaned ffmpeg processes burning CPU on a machine that is being scaled away.
 *
 * <p>A worker that promises running encodes a grace period to finish holds the kill back with {@link #deferKill}
 * for as long as its own shutdown takes: shutdown hooks run all at once, and killing at once would break the promise.
 */
public final class LiveProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Deferral> DEFERRALS = ConcurrentHashMap.newKeySet();
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static volatile boolean shuttingDown;

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        Thread.ofPlatform().name("nommer-kill-processes").unstarted(LiveProcesses::killAtExit));
    }

    /** Held by a graceful stop; see {@link #deferKill}. Closing it twice is harmless. */
    public static final class Deferral implements AutoCloseable {
        private final long atMostNanos;

        private Deferral(Duration atMost) {
            this.atMostNanos = atMost.toNanos();
        }

        /** The graceful stop is over: whatever it left running may be killed. */
        @Override
        public void close() {
            DEFERRALS.remove(this);
        }
    }

    /**
     * Holds back the kill at JVM shutdown until the returned deferral is closed, for at most {@code atMost} after the
     * shutdown began. Take it when the graceful stop becomes possible (when the worker starts), not when it begins:
     * the shutdown hooks run concurrently, so one taken from another hook could come too late.
     */
    public static Deferral deferKill(Duration atMost) {
        Deferral d = new Deferral(atMost);
        DEFERRALS.add(d);
        return d;
    }

    /**
     * Waits while a deferral is held and some process still runs (when none does there is nothing to kill, and a JVM
     * whose worker was never closed must not wait for it), then kills what is left.
     */
    private static void killAtExit() {
        long started = System.nanoTime();
        while (!LIVE.isEmpty()) {
            long atMost = DEFERRALS.stream().mapToLong(d -> d.atMostNanos).max().orElse(0);
            if (System.nanoTime() - started >= atMost) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
            } catch (InterruptedException e) {
                break;
            }
        }
        if (!LIVE.isEmpty()) {
            shuttingDown = true;
            LIVE.forEach(LiveProcesses::kill);
        }
    }

    /**
     * Whether the JVM is shutting down and has killed (or is killing) our processes: their exit is then a cancellation,
     * not a failure of what they were doing.
     */
    static boolean shuttingDown() {
        return shuttingDown;
    }

    private LiveProcesses() {}

    static void register(Process p) {
        LIVE.add(p);
    }

    static void unregister(Process p) {
        LIVE.remove(p);
    }

    /** How many registered processes are alive; for tests. */
    static int count() {
        return (int) LIVE.stream().filter(Process::isAlive).count();
    }

    /**
     * Kills a process and everything it started. Descendants first: once the parent is gone they are re-parented and
     * can no longer be found from it.
     */
    static void kill(Process p) {
        // why: children are found before the parent dies (they are reparented once it has), and looked for again
        // after, for one forked in between
        java.util.List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
