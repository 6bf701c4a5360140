package io.nommer.core.fleet;

import io.nommer.core.stack.Stack;
import java.time.Instant;
import java.util.List;

/**
 * What a worker last reported about itself. Workers report on every heartbeat; a worker not seen for a while has
 * stopped or lost its connection.
 *
 * @param active tasks it is running now
 * @param encoder the name of the encoder it runs ({@code ffmpeg}, {@code null} or a plug-in's)
 * @param stacks the stacks it has, the first its default (none for an encoder other than ffmpeg, such as the null
 *     encoder, which takes a task of any stack)
 */
public record WorkerStatus(
        String id,
        List<String> clouds,
        int slots,
        int active,
        String host,
        String encoder,
        Instant startedAt,
        Instant lastSeen,
        List<Stack> stacks) {
    public WorkerStatus {
        clouds = List.copyOf(clouds);
        stacks = stacks == null ? List.of() : List.copyOf(stacks);
    }

    /** A worker that reports no stack. */
    public WorkerStatus(
            String id,
            List<String> clouds,
            int slots,
            int active,
            String host,
            String encoder,
            Instant startedAt,
            Instant lastSeen) {
        this(id, clouds, slots, active, host, encoder, startedAt, lastSeen, List.of());
    }

    /** Whether this worker takes tasks pinned to {@code stack}: it has it, or it runs no tool (the null encoder). */
    public boolean takes(String stack) {
        return io.nommer.core.encode.noop.NullEncoder.NAME.equals(encoder)
                || stacks.stream().anyMatch(s -> s.name().equals(stack));
    }
}
