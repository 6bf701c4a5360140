package io.nommer.core.encode;

/** Receives an encode's progress, 0-100, as often as the encoder learns it; callers throttle. */
@FunctionalInterface
public interface ProgressListener {
    void progress(double percent);
}
