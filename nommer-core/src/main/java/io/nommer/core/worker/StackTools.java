package io.nommer.core.worker;

import io.nommer.core.encode.Encoder;
import io.nommer.core.media.MediaProber;
import io.nommer.core.stack.Stack;
import java.util.Objects;

/** A stack as a worker runs it: its description, and the encoder and prober built on its binaries. */
public record StackTools(Stack stack, Encoder encoder, MediaProber prober) {
    public StackTools {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(prober, "prober");
    }
}
