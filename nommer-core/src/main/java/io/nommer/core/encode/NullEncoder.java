package io.nommer.core.encode;

import java.util.List;

/**
 * Produces nothing and finishes at once: a worker running it measures the orchestration alone (submit, claim,
 * complete, webhooks), never ffmpeg. It needs no input, so the worker neither fetches nor probes, and claims in
 * batches.
 */
public final class NullEncoder implements Encoder {
    public static final String NAME = "null";

    @Override
    public EncodeResult encode(EncodeRequest request, ProgressListener progress, Cancellation cancel) {
        return new EncodeResult(List.of(), 0);
    }

    @Override
    public boolean needsInput() {
        return false;
    }
}
