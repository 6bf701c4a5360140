package io.nommer.core.profile;

/**
 * How frames are made when the output's {@code fps} differs from the source's.
 *
 * <ul>
 *   <li>{@code duplicate} (the default): frames are repeated or dropped; cheap, judders on motion.
 *   <li>{@code blend}: each new frame mixes its two neighbours (ffmpeg's {@code framerate}); smoother, ghosts on
 *       motion.
 *   <li>{@code motion_compensated}: each new frame is drawn from the motion between its neighbours (ffmpeg's
 *       {@code minterpolate} in its motion-compensated mode): moving things are where they would be. Many times
 *       slower than encoding itself (BENCHMARKS.md).
 * </ul>
 */
public enum FrameRateConversion {
    DUPLICATE,
    BLEND,
    MOTION_COMPENSATED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static FrameRateConversion parse(String value) {
        for (FrameRateConversion c : values()) {
            if (c.wireName().equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("must be one of duplicate, blend, motion_compensated, not '" + value + "'");
    }

    /** The ffmpeg filter that makes {@code fps} frames per second this way. */
    public String filter(FrameRate fps) {
        return switch (this) {
            case DUPLICATE -> "fps=" + fps;
            case BLEND -> "framerate=fps=" + fps;
            // why: bidirectional motion estimation with overlapped-block compensation and variable-size blocks, the
            // filter's best quality; its scene-change detection (on by default) falls back to blending at cuts
            case MOTION_COMPENSATED -> "minterpolate=fps=" + fps + ":mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1";
        };
    }
}
