package io.nommer.ffmpeg;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the line ffmpeg prints to stderr at exit when run with {@code -benchmark}:
 * {@code bench: utime=0.640s stime=0.049s rtime=0.292s}. The CPU time it used is user plus system time, which
 * (unlike the JVM's view) includes all of ffmpeg's threads.
 */
public final class BenchmarkParser {
    private static final Pattern BENCH =
            Pattern.compile("^bench:\\s+utime=([0-9.]+)s\\s+stime=([0-9.]+)s\\s+rtime=([0-9.]+)s\\s*$");

    private BenchmarkParser() {}

    /** The CPU seconds ({@code utime + stime}) of a bench line, or empty for any other line. */
    public static OptionalDouble cpuSeconds(String stderrLine) {
        Matcher m = BENCH.matcher(stderrLine.strip());
        if (!m.matches()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** The wall-clock seconds ({@code rtime}) of a bench line, or empty. */
    public static OptionalDouble realSeconds(String stderrLine) {
        Matcher m = BENCH.matcher(stderrLine.strip());
        if (!m.matches()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(m.group(3)));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
