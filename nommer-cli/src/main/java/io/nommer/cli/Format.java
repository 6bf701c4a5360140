package io.nommer.cli;

import java.time.Duration;
import java.util.Locale;

/** Numbers as people read them. */
final class Format {
    private Format() {}

    /** Decimal units, three significant digits: {@code 812 bytes}, {@code 12.3 MB}, {@code 1.07 GB}. */
    static String bytes(long n) {
        if (n < 1000) {
            return n + (n == 1 ? " byte" : " bytes");
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = n;
        int u = -1;
        while (v >= 999.95 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        String digits = v >= 99.95 ? "%.0f" : v >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits + " %s", v, units[u]);
    }

    /** {@code 0:08}, {@code 12:34}, {@code 1:02:03}. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }
}
