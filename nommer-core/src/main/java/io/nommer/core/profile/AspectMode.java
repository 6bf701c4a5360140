package io.nommer.core.profile;

/**
 * How the source picture is fitted into the profile's width x height. Names are Panda's.
 *
 * <ul>
 *   <li>{@code preserve}: scale to fit inside the box keeping the aspect; the output may be smaller than the box.
 *   <li>{@code letterbox}, {@code pad}: scale to fit, then pad with black bars to exactly the box.
 *   <li>{@code crop}: scale to cover the box, then crop the overflow; exactly the box.
 *   <li>{@code stretch}: scale to exactly the box, ignoring the aspect.
 * </ul>
 */
public enum AspectMode {
    PRESERVE,
    LETTERBOX,
    PAD,
    CROP,
    STRETCH;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AspectMode parse(String value) {
        for (AspectMode m : values()) {
            if (m.name().equalsIgnoreCase(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "aspect_mode must be one of preserve, letterbox, pad, crop, stretch, not '" + value + "'");
    }
}
