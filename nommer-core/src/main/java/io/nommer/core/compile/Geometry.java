package io.nommer.core.compile;

import io.nommer.core.profile.AspectMode;
import io.nommer.core.profile.DisplayAspect;

/**
 * Fits a source picture into a profile's box. Pure arithmetic so that output dimensions are known before ffmpeg runs
 * and golden tests can pin the filter chain.
 *
 * @param scaleWidth the picture is scaled to this width (square pixels) ...
 * @param scaleHeight ... and this height
 * @param outWidth the frame the encoder receives, after padding or cropping
 * @param outHeight see {@code outWidth}
 * @param sampleAspect the shape of the output's pixels as {@code setsar} takes it: {@code "1"} (square) or, for an
 *     anamorphic frame, a ratio such as {@code "8/9"}
 */
public record Geometry(
        int scaleWidth, int scaleHeight, int outWidth, int outHeight, AspectMode mode, String sampleAspect) {

    public Geometry(int scaleWidth, int scaleHeight, int outWidth, int outHeight, AspectMode mode) {
        this(scaleWidth, scaleHeight, outWidth, outHeight, mode, "1");
    }

    /**
     * Fits the source into a box of {@code boxWidth} x {@code boxHeight} pixels that is shown at {@code aspect}
     * (anamorphic when that is not the box's own shape): the fitting happens in display space, so a circle in the
     * source is still a circle when the output is shown at {@code aspect}.
     *
     * @param aspect null for square pixels, as {@link #fit(double, double, Integer, Integer, AspectMode, boolean)}
     */
    public static Geometry fit(
            double displayWidth,
            double displayHeight,
            Integer boxWidth,
            Integer boxHeight,
            AspectMode mode,
            boolean upscale,
            DisplayAspect aspect) {
        if (aspect == null || boxWidth == null || boxHeight == null) {
            return fit(displayWidth, displayHeight, boxWidth, boxHeight, mode, upscale);
        }
        // why: measured in the output's (wide or narrow) pixels, the source is displayWidth / sar of them wide; fitting
        // that into the box in pixels keeps its shape in display space
        double sar = aspect.sampleAspectValue(boxWidth, boxHeight);
        Geometry g = fit(displayWidth / sar, displayHeight, boxWidth, boxHeight, mode, upscale);
        return new Geometry(
                g.scaleWidth, g.scaleHeight, g.outWidth, g.outHeight, g.mode, aspect.sampleAspect(boxWidth, boxHeight));
    }

    /**
     * @param displayWidth the source's width in square pixels (coded width times sample aspect, after rotation)
     * @param displayHeight the source's height after rotation
     * @param boxWidth the profile's width, or null
     * @param boxHeight the profile's height, or null
     */
    public static Geometry fit(
            double displayWidth,
            double displayHeight,
            Integer boxWidth,
            Integer boxHeight,
            AspectMode mode,
            boolean upscale) {
        if (displayWidth <= 0 || displayHeight <= 0) {
            throw new IllegalArgumentException(
                    "source dimensions must be positive: " + displayWidth + "x" + displayHeight);
        }
        AspectMode m = mode == null ? AspectMode.PRESERVE : mode;
        if (boxWidth == null && boxHeight == null) {
            int w = even(displayWidth);
            int h = even(displayHeight);
            return new Geometry(w, h, w, h, AspectMode.PRESERVE);
        }
        if (boxWidth == null || boxHeight == null) {
            // One side given: the other follows the source's aspect, whatever the mode.
            double s = boxWidth != null ? boxWidth / displayWidth : boxHeight / displayHeight;
            s = upscale ? s : Math.min(s, 1);
            int w = even(displayWidth * s);
            int h = even(displayHeight * s);
            return new Geometry(w, h, w, h, AspectMode.PRESERVE);
        }
        double sx = boxWidth / displayWidth;
        double sy = boxHeight / displayHeight;
        return switch (m) {
            case PRESERVE -> {
                double s = limit(Math.min(sx, sy), upscale);
                int w = Math.min(even(displayWidth * s), boxWidth);
                int h = Math.min(even(displayHeight * s), boxHeight);
                yield new Geometry(w, h, w, h, m);
            }
            case LETTERBOX, PAD -> {
                double s = limit(Math.min(sx, sy), upscale);
                int w = Math.min(even(displayWidth * s), boxWidth);
                int h = Math.min(even(displayHeight * s), boxHeight);
                yield new Geometry(w, h, boxWidth, boxHeight, m);
            }
            case CROP -> {
                double s = limit(Math.max(sx, sy), upscale);
                int w = even(displayWidth * s);
                int h = even(displayHeight * s);
                yield new Geometry(w, h, Math.min(w, boxWidth), Math.min(h, boxHeight), m);
            }
            case STRETCH -> {
                int w = upscale ? boxWidth : Math.min(boxWidth, even(displayWidth));
                int h = upscale ? boxHeight : Math.min(boxHeight, even(displayHeight));
                yield new Geometry(w, h, w, h, m);
            }
        };
    }

    private static double limit(double s, boolean upscale) {
        return upscale ? s : Math.min(s, 1);
    }

    /** Nearest even number, at least 2: 4:2:0 chroma needs even dimensions. */
    static int even(double v) {
        long r = Math.round(v / 2) * 2;
        return (int) Math.max(2, r);
    }

    /** How many times wider than high the output's pixels are shown: 1 unless anamorphic. */
    public double pixelAspect() {
        String[] r = sampleAspect.split("/");
        return r.length == 2 ? Double.parseDouble(r[0]) / Double.parseDouble(r[1]) : Double.parseDouble(r[0]);
    }

    /** The filter chain that produces this geometry: scale, mark the pixels' shape, then pad or crop when needed. */
    public String filter() {
        return filter(false);
    }

    /**
     * Like {@link #filter()}; with {@code fields}, an interlaced picture is scaled field by field (ffmpeg's
     * {@code interl=1}), which keeps its fields apart when only the width changes.
     */
    public String filter(boolean fields) {
        StringBuilder f = new StringBuilder()
                .append("scale=")
                .append(scaleWidth)
                .append(':')
                .append(scaleHeight)
                .append(fields ? ":interl=1" : "")
                .append(":flags=bicubic,setsar=")
                .append(sampleAspect);
        if (outWidth != scaleWidth || outHeight != scaleHeight) {
            if (mode == AspectMode.CROP) {
                f.append(",crop=").append(outWidth).append(':').append(outHeight);
            } else {
                f.append(",pad=")
                        .append(outWidth)
                        .append(':')
                        .append(outHeight)
                        .append(":(ow-iw)/2:(oh-ih)/2:color=black");
            }
        }
        return f.toString();
    }
}
