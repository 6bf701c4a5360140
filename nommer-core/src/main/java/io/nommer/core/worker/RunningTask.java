package io.nommer.core.worker;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.queue.ClaimedTask;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A task a worker is running: what the heartbeat reports, how it is stopped, what it leaves to clean up. */
final class RunningTask {
    final ClaimedTask claim;
    final Cancellation cancellation = new Cancellation();
    volatile double progress;
    volatile double cpuSeconds;
    /** For a packaging task: the renditions other tasks published, deleted once the output is complete. */
    final List<URI> renditions = new ArrayList<>();

    RunningTask(ClaimedTask claim) {
        this.claim = claim;
    }
}
