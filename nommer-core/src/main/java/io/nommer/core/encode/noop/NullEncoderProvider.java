package io.nommer.core.encode.noop;

import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.EncoderContext;
import io.nommer.core.encode.EncoderProvider;

/** Registers the {@link NullEncoder} as encoder {@code null} (see {@code META-INF/services}). */
public final class NullEncoderProvider implements EncoderProvider {
    @Override
    public String name() {
        return NullEncoder.NAME;
    }

    @Override
    public boolean needsInput() {
        return false;
    }

    /** Needs no ffmpeg: a worker measuring the orchestration alone runs on a machine without it. */
    @Override
    public Encoder create(EncoderContext context) {
        return new NullEncoder(context.pausePerTask());
    }
}
