package io.nommer.store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests step by hand, so that leases expire without sleeping. */
public final class SettableClock implements InstantSource {
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    public SettableClock() {
        this(START);
    }

    public SettableClock(Instant start) {
        now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    public Instant tick(Duration d) {
        return now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant t) {
        now.set(t);
    }
}
