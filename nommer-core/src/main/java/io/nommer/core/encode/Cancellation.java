package io.nommer.core.encode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A one-way switch a worker flips when a task must stop (cancelled, lease lost, shutdown); encoders register what to
 * do about it (kill ffmpeg). Callbacks registered after the switch flipped run at once.
 */
public final class Cancellation {
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile String reason;

    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        callbacks.forEach(Runnable::run);
    }

    public boolean cancelled() {
        return reason != null;
    }

    /** Why it was cancelled, or null. */
    public String reason() {
        return reason;
    }

    public void onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled()) {
            callback.run();
        }
    }
}
