package io.nommer.core.compile;

import io.nommer.core.profile.AspectMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The renditions of an adaptive-streaming ladder: bitrates, picture sizes and H.264 levels. Pure arithmetic, so that
 * playlists and manifests can be written before ffmpeg runs.
 *
 * <p>Bitrates: {@link #DEFAULT_BITRATES} (2400k, 600k, 300k, 120k), or v, v/2, v/4, v/8 for a profile's
 * {@code video_bitrate} v; the first {@code renditions} of them.
 *
 * <p>Sizes follow the bitrate through {@link #shortSideFor} (the picture's shorter side, so portrait sources get the
 * same pixel budget as landscape ones):
 *
 * <pre>
 *   video bitrate (kbit/s)   shorter side
 *   4000 and more            1080
 *   1800 - 3999               720
 *   1000 - 1799               540
 *    500 -  999               360
 *    250 -  499               270
 *    100 -  249               180
 *    below 100                144
 * </pre>
 *
 * The source's display aspect is kept (even dimensions), a rung is never larger than the source unless
 * {@code upscale} is set, and the profile's width and height, when given, are a box the top rung (and so every rung)
 * must fit in.
 */
public final class Ladder {
    public static final List<Integer> DEFAULT_BITRATES = List.of(2400, 600, 300, 120);

    /**
     * One rendition.
     *
     * @param index 0 for the top rung
     * @param videoBitrate kbit/s, also the rung's {@code -maxrate}; {@code -bufsize} is twice it
     * @param level the H.264 level the rung is encoded at, e.g. {@code 3.1}
     */
    public record Rung(int index, int videoBitrate, int width, int height, String level) {
        /** The RFC 6381 codec string of this rung's video for {@code h264Profile}, e.g. {@code avc1.64001f}. */
        public String codecs(String h264Profile) {
            // x264 sets constraint_set0 for baseline and constraint_set1 for baseline and main, nothing for high.
            String profileAndConstraints = switch (h264Profile) {
                case "baseline" -> "42c0";
                case "main" -> "4d40";
                default -> "6400";
            };
            int levelIdc = Math.round(Float.parseFloat(level) * 10);
            return String.format(Locale.ROOT, "avc1.%s%02x", profileAndConstraints, levelIdc);
        }
    }

    private Ladder() {}

    /** The bitrates of a ladder of {@code renditions} rungs topped by {@code topBitrate} (null: the defaults). */
    public static List<Integer> bitrates(Integer topBitrate, int renditions) {
        if (renditions < 1 || renditions > DEFAULT_BITRATES.size()) {
            throw new IllegalArgumentException("renditions must be between 1 and " + DEFAULT_BITRATES.size());
        }
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < renditions; i++) {
            b.add(topBitrate == null ? DEFAULT_BITRATES.get(i) : topBitrate >> i);
        }
        return b;
    }

    /** The shorter side of the picture for a video bitrate in kbit/s (see the class comment). */
    public static int shortSideFor(int kbps) {
        if (kbps >= 4000) {
            return 1080;
        } else if (kbps >= 1800) {
            return 720;
        } else if (kbps >= 1000) {
            return 540;
        } else if (kbps >= 500) {
            return 360;
        } else if (kbps >= 250) {
            return 270;
        } else if (kbps >= 100) {
            return 180;
        }
        return 144;
    }

    /**
     * @param displayWidth the source's width in square pixels, after rotation
     * @param displayHeight the source's height, after rotation
     * @param capWidth the profile's width, or null
     * @param capHeight the profile's height, or null
     * @param fps the frame rate the rungs are encoded at, for their H.264 level
     * @param level the profile's {@code h264_level} for every rung, or null to pick the lowest level (from 3.0) that
     *     fits each rung's size, frame rate and bitrate
     */
    public static List<Rung> of(
            double displayWidth,
            double displayHeight,
            Integer topBitrate,
            int renditions,
            Integer capWidth,
            Integer capHeight,
            boolean upscale,
            double fps,
            String h264Profile,
            String level) {
        List<Rung> rungs = new ArrayList<>();
        List<Integer> bitrates = bitrates(topBitrate, renditions);
        boolean portrait = displayHeight > displayWidth;
        for (int i = 0; i < bitrates.size(); i++) {
            int side = shortSideFor(bitrates.get(i));
            Integer boxW = portrait ? Integer.valueOf(side) : capWidth;
            Integer boxH = portrait ? capHeight : Integer.valueOf(side);
            if (portrait && capWidth != null) {
                boxW = Math.min(boxW, capWidth);
            } else if (!portrait && capHeight != null) {
                boxH = Math.min(boxH, capHeight);
            }
            Geometry g = Geometry.fit(displayWidth, displayHeight, boxW, boxH, AspectMode.PRESERVE, upscale);
            int w = g.outWidth();
            int h = g.outHeight();
            rungs.add(new Rung(
                    i, bitrates.get(i), w, h, level != null ? level : level(w, h, fps, bitrates.get(i), h264Profile)));
        }
        return rungs;
    }

    // H.264 Table A-1: max macroblocks per second, max frame size in macroblocks, max video bitrate (kbit/s, for
    // baseline and main; high allows 1.25 times it).
    private static final String[] LEVELS = {"3.0", "3.1", "3.2", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2"};
    private static final long[] MAX_MBPS = {
        40_500, 108_000, 216_000, 245_760, 245_760, 522_240, 589_824, 983_040, 2_073_600
    };
    private static final long[] MAX_FS = {1_620, 3_600, 5_120, 8_192, 8_192, 8_704, 22_080, 36_864, 36_864};
    private static final long[] MAX_BR = {10_000, 14_000, 20_000, 20_000, 50_000, 50_000, 135_000, 240_000, 240_000};

    /** The lowest level from 3.0 that a {@code width}x{@code height} picture at {@code fps} and {@code kbps} fits. */
    static String level(int width, int height, double fps, int kbps, String h264Profile) {
        long mbs = (long) Math.ceil(width / 16.0) * (long) Math.ceil(height / 16.0);
        double brFactor = "high".equals(h264Profile) ? 1.25 : 1;
        for (int i = 0; i < LEVELS.length; i++) {
            if (mbs <= MAX_FS[i] && mbs * fps <= MAX_MBPS[i] && kbps <= MAX_BR[i] * brFactor) {
                return LEVELS[i];
            }
        }
        return LEVELS[LEVELS.length - 1];
    }
}
