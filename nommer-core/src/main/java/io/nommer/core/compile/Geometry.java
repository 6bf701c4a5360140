package io.nommer.core.compile;

import io.nommer.core.profile.AspectMode;

/**
 * Fits a source picture into a profile's box. Pure arithmetic so that output dimensions are known before ffmpeg runs
 * and golden tests can pin the filter chain.
 *
 * @param scaleWidth the picture is scaled to this width (square pixels) ...
 * @param scaleHeight ... and this height
 * @param outWidth the frame the encoder receives, after padding or cropping
 * @param outHeight see {@code outWidth}
 */
public record Geometry(int scaleWidth, int scaleHeight, int outWidth, int outHeight, AspectMode mode) {

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

    /** The filter chain that produces this geometry: scale to square pixels, then pad or crop when needed. */
    public String filter() {
        StringBuilder f = new StringBuilder()
                .append("scale=")
                .append(scaleWidth)
                .append(':')
                .append(scaleHeight)
                .append(":flags=bicubic,setsar=1");
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
