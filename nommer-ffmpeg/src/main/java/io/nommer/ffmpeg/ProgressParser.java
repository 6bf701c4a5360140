package io.nommer.ffmpeg;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code key=value} blocks ffmpeg writes with {@code -progress pipe:1}. Each block ends with
 * {@code progress=continue} or, for the last, {@code progress=end}; only then is a percentage reported.
 *
 * <p>The media position comes from {@code out_time_us}, else {@code out_time_ms} (which, despite its name, is in
 * microseconds too: a long-standing ffmpeg quirk), else {@code out_time} ({@code HH:MM:SS.micros}). {@code N/A}
 * values (before the first packet is written) are ignored. Not thread-safe: feed it from one reader.
 */
public final class ProgressParser {
    private static final Pattern CLOCK = Pattern.compile("(-?)(\\d+):(\\d{2}):(\\d{2}(?:\\.\\d+)?)");

    private final Double mediaSeconds;
    private Long blockMicros;
    private long lastMicros = -1;
    private boolean ended;

    /** @param mediaSeconds the length of media the run will write; null or non-positive when unknown */
    public ProgressParser(Double mediaSeconds) {
        this.mediaSeconds = mediaSeconds == null || mediaSeconds <= 0 || mediaSeconds.isNaN() ? null : mediaSeconds;
    }

    /**
     * Feeds one line of ffmpeg's progress output.
     *
     * @return the percentage done, 0-100, when the line closed a block and the position is known; 100 for
     *     {@code progress=end}; empty otherwise
     */
    public OptionalDouble accept(String line) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
            return OptionalDouble.empty();
        }
        String key = line.substring(0, eq).trim();
        String value = line.substring(eq + 1).trim();
        switch (key) {
            case "out_time_us", "out_time_ms" -> blockMicros = firstNonNull(blockMicros, parseLong(value));
            case "out_time" -> blockMicros = firstNonNull(blockMicros, parseClock(value));
            case "progress" -> {
                return endBlock("end".equals(value));
            }
            default -> {}
        }
        return OptionalDouble.empty();
    }

    /** Whether {@code progress=end} was seen: ffmpeg finished writing. */
    public boolean ended() {
        return ended;
    }

    /** The last known output position in seconds, or -1 before the first. */
    public double outSeconds() {
        return lastMicros < 0 ? -1 : lastMicros / 1e6;
    }

    private OptionalDouble endBlock(boolean end) {
        if (blockMicros != null && blockMicros >= 0) {
            lastMicros = blockMicros;
        }
        blockMicros = null;
        if (end) {
            ended = true;
            return OptionalDouble.of(100);
        }
        if (mediaSeconds == null || lastMicros < 0) {
            return OptionalDouble.empty();
        }
        double percent = lastMicros / 1e6 / mediaSeconds * 100;
        return OptionalDouble.of(Math.max(0, Math.min(100, percent)));
    }

    private static Long firstNonNull(Long a, Long b) {
        return a != null ? a : b;
    }

    private static Long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null; // N/A
        }
    }

    /** {@code 00:01:02.500000} to microseconds, or null. */
    static Long parseClock(String v) {
        Matcher m = CLOCK.matcher(v);
        if (!m.matches()) {
            return null;
        }
        double seconds = Long.parseLong(m.group(2)) * 3600.0
                + Long.parseLong(m.group(3)) * 60.0
                + Double.parseDouble(m.group(4));
        long micros = Math.round(seconds * 1e6);
        return m.group(1).isEmpty() ? micros : -micros;
    }
}
