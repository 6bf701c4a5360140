package io.nommer.core.encode.noop;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.ProgressListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Produces nothing and finishes at once (or after a fixed pause per task): a worker running it measures the
 * orchestration alone (submit, claim, complete, webhooks), never ffmpeg. It needs no input, so the worker neither
 * fetches nor probes, and claims in batches. The pause lets tests and benchmarks keep tasks in flight.
 */
public final class NullEncoder implements Encoder {
    public static final String NAME = "null";

    private final Duration pause;

    public NullEncoder() {
        this(Duration.ZERO);
    }

    public NullEncoder(Duration pause) {
        this.pause = pause;
    }

    @Override
    public EncodeResult encode(EncodeRequest request, ProgressListener progress, Cancellation cancel) {
        if (!pause.isZero()) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
        return new EncodeResult(List.of(), 0);
    }

    @Override
    public boolean needsInput() {
        return false;
    }
}
