package io.nommer.core.fleet;

import java.time.Instant;
import java.util.List;

/**
 * What a worker last reported about itself. Workers report on every heartbeat; a worker not seen for a while has
 * stopped or lost its connection.
 *
 * @param active tasks it is running now
 * @param encoder the name of the encoder it runs ({@code ffmpeg}, {@code null} or a plug-in's)
 */
public record WorkerStatus(
        String id,
        List<String> clouds,
        int slots,
        int active,
        String host,
        String encoder,
        Instant startedAt,
        Instant lastSeen) {
    public WorkerStatus {
        clouds = List.copyOf(clouds);
    }
}
