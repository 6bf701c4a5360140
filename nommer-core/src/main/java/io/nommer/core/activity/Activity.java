package io.nommer.core.activity;

import io.nommer.core.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Jobs submitted, finished, queued and running minute by minute over a recent window, computed from each job's own
 * timestamps (so the numbers survive a restart of the orchestrator and agree among several).
 */
public final class Activity {
    /** The longest window asked for: a day of minutes. */
    public static final int MAX_MINUTES = 1440;

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private Activity() {}

    /**
     * When a job was made, started (null while it never ran) and finished (null while it has not).
     *
     * @param state the job's state now
     */
    public record Span(JobState state, Instant createdAt, Instant startedAt, Instant finishedAt) {
        public Span {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        /**
         * A job queued now whose started_at is set was retried: when it went back to the queue is not kept, so it
         * counts as queued since it was submitted.
         */
        private Instant ranFrom() {
            return state == JobState.QUEUED ? null : startedAt;
        }

        boolean queuedAt(Instant t) {
            return !createdAt.isAfter(t) && (ranFrom() == null || ranFrom().isAfter(t)) && !finishedBy(t);
        }

        boolean runningAt(Instant t) {
            return ranFrom() != null && !ranFrom().isAfter(t) && !finishedBy(t);
        }

        private boolean finishedBy(Instant t) {
            return finishedAt != null && !finishedAt.isAfter(t);
        }
    }

    /**
     * What the store says of a window.
     *
     * @param now the store's time when it was read
     * @param minutes the window's length in minutes, the current one included
     * @param queuedBefore jobs still queued that were submitted before the window started: queued all through it, so
     *     counted rather than listed
     * @param spans every other job that was queued or running at some moment of the window
     */
    public record Window(Instant now, int minutes, long queuedBefore, List<Span> spans) {
        public Window {
            Objects.requireNonNull(now, "now");
            requireMinutes(minutes);
            spans = List.copyOf(spans);
        }

        public Instant start() {
            return windowStart(now, minutes);
        }
    }

    /**
     * One minute of the window.
     *
     * @param minute when it starts
     * @param queued jobs queued at its end (at "now" for the current minute)
     * @param running jobs running at its end
     */
    public record Minute(
            Instant minute, int submitted, int succeeded, int failed, int cancelled, long queued, int running) {}

    /** The start of the first of {@code minutes} whole minutes that end with the one {@code now} is in. */
    public static Instant windowStart(Instant now, int minutes) {
        requireMinutes(minutes);
        return now.truncatedTo(ChronoUnit.MINUTES).minus(MINUTE.multipliedBy(minutes - 1L));
    }

    /** @throws IllegalArgumentException when {@code minutes} is not between 1 and {@link #MAX_MINUTES} */
    public static void requireMinutes(int minutes) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new IllegalArgumentException("minutes must be between 1 and " + MAX_MINUTES + ", not " + minutes);
        }
    }

    /** The window minute by minute, oldest first. */
    public static List<Minute> perMinute(Window w) {
        Instant start = w.start();
        int n = w.minutes();
        int[] submitted = new int[n];
        int[] succeeded = new int[n];
        int[] failed = new int[n];
        int[] cancelled = new int[n];
        for (Span s : w.spans()) {
            int created = index(start, s.createdAt(), n);
            if (created >= 0) {
                submitted[created]++;
            }
            if (s.finishedAt() != null && s.state().terminal()) {
                int finished = index(start, s.finishedAt(), n);
                if (finished >= 0) {
                    switch (s.state()) {
                        case SUCCEEDED -> succeeded[finished]++;
                        case FAILED -> failed[finished]++;
                        default -> cancelled[finished]++;
                    }
                }
            }
        }
        List<Minute> minutes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant minute = start.plus(MINUTE.multipliedBy(i));
            // why: depth at the end of a minute; for the current minute, which has not ended, at the time of reading
            Instant end = i == n - 1 ? w.now() : minute.plus(MINUTE).minusMillis(1);
            long queued = w.queuedBefore();
            int running = 0;
            for (Span s : w.spans()) {
                if (s.queuedAt(end)) {
                    queued++;
                } else if (s.runningAt(end)) {
                    running++;
                }
            }
            minutes.add(new Minute(minute, submitted[i], succeeded[i], failed[i], cancelled[i], queued, running));
        }
        return minutes;
    }

    /** The minute of the window {@code t} falls in, or -1 before it (or after it, for a clock that jumped). */
    private static int index(Instant start, Instant t, int n) {
        if (t.isBefore(start)) {
            return -1;
        }
        long i = Duration.between(start, t).toMillis() / MINUTE.toMillis();
        return i < n ? (int) i : -1;
    }
}
