package io.nommer.core.profile;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape a frame is shown at, {@code width:height} ({@code 4:3}, {@code 16:9}), whatever its pixel count: a 720x480
 * NTSC frame shown at 4:3 has pixels 8:9 as wide as they are high.
 *
 * <p>The whole stored width is the picture, as MPEG-2, DVD and DV signal it (so ffprobe reports exactly this aspect):
 * SD television's sample aspect ratios are then 8:9 and 32:27 (NTSC), 16:15 and 64:45 (PAL). The stricter BT.601
 * reading, in which only 704 of the 720 pixels are the 4:3 picture (10:11, 12:11, ...), differs by about 2%.
 */
public record DisplayAspect(int width, int height) {
    private static final Pattern RATIO = Pattern.compile("(\\d{1,3}):(\\d{1,3})");

    public DisplayAspect {
        if (width < 1 || height < 1 || width > 5 * height || height > 5 * width) {
            throw new IllegalArgumentException(
                    "must be two positive whole numbers such as 4:3 or 16:9, " + "neither more than 5 times the other");
        }
    }

    /** @throws IllegalArgumentException saying what an aspect ratio must look like */
    public static DisplayAspect parse(String text) {
        Matcher m = RATIO.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("must look like \"4:3\" or \"16:9\" (width:height)");
        }
        return new DisplayAspect(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * The sample aspect ratio that shows a frame of {@code w} x {@code h} pixels at this aspect, reduced and written
     * as ffmpeg's {@code setsar} takes it ({@code "8/9"}).
     */
    public String sampleAspect(int w, int h) {
        long n = (long) width * h;
        long d = (long) height * w;
        long g = java.math.BigInteger.valueOf(n)
                .gcd(java.math.BigInteger.valueOf(d))
                .longValueExact();
        return n / g + "/" + d / g;
    }

    /** {@link #sampleAspect} as a number: how many times wider than high one pixel is shown. */
    public double sampleAspectValue(int w, int h) {
        return (double) width * h / ((double) height * w);
    }

    @Override
    public String toString() {
        return width + ":" + height;
    }
}
