package io.nommer.core.fleet;

/** A cloud's tasks that want a worker: queued whose time has come (and wait for nothing), and running. */
public record TaskCounts(int runnable, int running) {
    public static final TaskCounts NONE = new TaskCounts(0, 0);
}
