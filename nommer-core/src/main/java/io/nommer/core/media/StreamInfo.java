package io.nommer.core.media;

import java.util.Set;

/**
 * One stream of a probed input. Video fields are null for audio streams and the other way round.
 *
 * @param type {@code video}, {@code audio}, {@code subtitle} or {@code data}
 * @param fps average frame rate, frames per second
 * @param bitrate bits per second, when the container states it
 * @param rotation degrees clockwise from the display matrix, 0 when absent
 * @param fieldOrder ffprobe's {@code field_order}: {@code progressive}, {@code tt} (top field first), {@code bb},
 *     {@code tb} or {@code bt}; null when unknown
 */
public record StreamInfo(
        int index,
        String type,
        String codec,
        Integer width,
        Integer height,
        Double fps,
        Long bitrate,
        Integer sampleRate,
        Integer channels,
        Double duration,
        String sampleAspectRatio,
        int rotation,
        String fieldOrder) {

    public boolean isVideo() {
        return "video".equals(type);
    }

    public boolean isAudio() {
        return "audio".equals(type);
    }

    /** Whether the stream is stored as interlaced fields (ffprobe knows a field order other than progressive). */
    public boolean interlaced() {
        return fieldOrder != null && Set.of("tt", "bb", "tb", "bt").contains(fieldOrder);
    }

    /** Whether an interlaced stream's top field is displayed first ({@code tt}, {@code tb}). */
    public boolean topFieldFirst() {
        return "tt".equals(fieldOrder) || "tb".equals(fieldOrder);
    }

    /** The sample aspect ratio as a number; 1 when unknown or degenerate ("0:1"). */
    public double sampleAspect() {
        if (sampleAspectRatio == null) {
            return 1;
        }
        String[] p = sampleAspectRatio.split(":");
        if (p.length != 2) {
            return 1;
        }
        try {
            double n = Double.parseDouble(p[0]);
            double d = Double.parseDouble(p[1]);
            return n > 0 && d > 0 ? n / d : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
