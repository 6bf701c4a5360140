package io.nommer.ffmpeg;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process nommer started that is still running, so that a JVM shutdown (SIGTERM, System.exit) kills them
 * instead of leaving orphaned ffmpeg processes burning CPU on a machine that is being scaled away.
 */
final class LiveProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean shuttingDown;

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        Thread.ofPlatform().name("nommer-kill-processes").unstarted(() -> {
                            shuttingDown = true;
                            LIVE.forEach(LiveProcesses::kill);
                        }));
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
