package io.nommer.core.profile;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exact frame rate, {@code num/den} frames per second: television's rates are not decimals (NTSC's "29.97" is
 * 30000/1001, and 2997/100 is a different, wrong rate that players and broadcast gear treat as such).
 *
 * <p>Read from a JSON number ({@code 25}, {@code 12.5}) or string ({@code "30000/1001"}, {@code "25"}); the
 * conventional NTSC decimals ({@code 23.976}, {@code 29.97}, {@code 59.94}, {@code 119.88}) mean their exact rates.
 */
public record FrameRate(long num, long den) {
    private static final Pattern RATIONAL = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");
    /** A plain decimal, as the API documents it: no sign, no exponent. */
    private static final Pattern DECIMAL = Pattern.compile("\\s*\\d{1,9}(\\.\\d+)?\\s*");

    private static final Map<String, FrameRate> NTSC = Map.of(
            "23.976", new FrameRate(24000, 1001),
            "29.97", new FrameRate(30000, 1001),
            "59.94", new FrameRate(60000, 1001),
            "119.88", new FrameRate(120000, 1001));

    public FrameRate {
        if (num <= 0 || den <= 0) {
            throw new IllegalArgumentException("must be positive");
        }
        long g = gcd(num, den);
        num /= g;
        den /= g;
    }

    public static FrameRate of(double fps) {
        return parse(BigDecimal.valueOf(fps).stripTrailingZeros().toPlainString());
    }

    /**
     * @param text {@code "30000/1001"}, or a decimal such as {@code "25"}, {@code "12.5"} or {@code "29.97"}
     * @throws IllegalArgumentException saying what a frame rate must look like
     */
    public static FrameRate parse(String text) {
        Matcher m = RATIONAL.matcher(text);
        if (m.matches()) {
            return new FrameRate(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "must be a number of frames per second or a fraction such as 30000/1001");
        }
        BigDecimal d = new BigDecimal(text.strip()).stripTrailingZeros();
        FrameRate ntsc = NTSC.get(d.toPlainString());
        if (ntsc != null) {
            return ntsc;
        }
        if (d.signum() <= 0 || d.scale() > 3 || d.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
            // why: the upper bound keeps the scaled value inside a long; the field checks its own, far lower, range
            throw new IllegalArgumentException(
                    "must be positive and at most 1000000, with at most three decimals (or a fraction)");
        }
        BigDecimal scaled = d.movePointRight(Math.max(0, d.scale()));
        return new FrameRate(
                scaled.longValueExact(),
                BigDecimal.ONE.movePointRight(Math.max(0, d.scale())).longValueExact());
    }

    public double value() {
        return (double) num / den;
    }

    /** As ffmpeg takes it ({@code -r}, the fps filter) and the API writes it: {@code 25} or {@code 30000/1001}. */
    @Override
    public String toString() {
        return den == 1 ? Long.toString(num) : num + "/" + den;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
