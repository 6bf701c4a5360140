package io.nommer.core.profile;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A length on the picture, as the watermark fields take it: whole pixels (a JSON number, {@code 24}) or a percentage
 * of a side of the frame (a JSON string, {@code "5%"}). Which side a percentage refers to is the field's business.
 *
 * @param value pixels, or percent when {@code percent}
 */
public record PixelsOrPercent(double value, boolean percent) {
    /** Most pixels any length may have: the widest output frame. */
    static final int MAX_PIXELS = 7680;

    private static final Pattern PERCENT = Pattern.compile("\\s*(\\d{1,3}(?:\\.\\d{1,3})?)\\s*%\\s*");

    public static PixelsOrPercent pixels(int px) {
        return new PixelsOrPercent(px, false);
    }

    public static PixelsOrPercent percent(double pct) {
        return new PixelsOrPercent(pct, true);
    }

    /**
     * Reads a JSON value: a whole number of pixels from {@code minPixels} to {@link #MAX_PIXELS}, or a percentage
     * string up to 100 (above 0 when {@code minPixels} is above 0: a size, not an offset).
     *
     * @throws IllegalArgumentException saying what the value must be
     */
    static PixelsOrPercent read(Object raw, int minPixels) {
        String what = "must be a whole number of pixels (" + minPixels + " to " + MAX_PIXELS
                + ") or a percentage of the frame such as \"5%\"";
        if (raw instanceof Number) {
            try {
                return pixels(ProfileField.integer(raw, minPixels, MAX_PIXELS));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what);
            }
        }
        if (raw instanceof String s) {
            Matcher m = PERCENT.matcher(s);
            if (m.matches()) {
                double pct = Double.parseDouble(m.group(1));
                if (pct <= 100 && (minPixels == 0 || pct > 0)) {
                    return percent(pct);
                }
            }
        }
        throw new IllegalArgumentException(what);
    }

    /** The JSON form: a number of pixels, or the percentage as a string such as {@code "5%"}. */
    Object toJson() {
        return percent ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + "%" : (Object) (int) value;
    }

    /**
     * This length in pixels on a frame side of {@code side} pixels: a percentage of {@code side}, or the pixels times
     * {@code scale} (how much smaller this frame is than the one pixel values refer to; 1 for most outputs).
     */
    public double on(int side, double scale) {
        return percent ? side * value / 100 : value * scale;
    }

    @Override
    public String toString() {
        return percent ? toJson().toString() : (int) value + "px";
    }
}
