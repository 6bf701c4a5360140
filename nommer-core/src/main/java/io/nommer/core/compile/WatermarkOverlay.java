package io.nommer.core.compile;

import static io.nommer.core.profile.Profile.WATERMARK_BOTTOM;
import static io.nommer.core.profile.Profile.WATERMARK_HEIGHT;
import static io.nommer.core.profile.Profile.WATERMARK_LEFT;
import static io.nommer.core.profile.Profile.WATERMARK_OPACITY;
import static io.nommer.core.profile.Profile.WATERMARK_RIGHT;
import static io.nommer.core.profile.Profile.WATERMARK_TOP;
import static io.nommer.core.profile.Profile.WATERMARK_WIDTH;

import io.nommer.core.encode.Watermark;
import io.nommer.core.profile.PixelsOrPercent;
import io.nommer.core.profile.Profile;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a profile's watermark over pictures of known sizes: the image as one more ffmpeg input, and the filter graph
 * that scales it and overlays it on each picture. Pure.
 *
 * <p>Placement on a frame of W x H pixels (percentages of W for left, right and width, of H for top, bottom and
 * height):
 *
 * <ul>
 *   <li>Size: {@code watermark_width} and {@code watermark_height}; with one of them the other follows the image's
 *       aspect; with neither, the image's own size. A mark larger than the frame is shrunk (aspect kept) to fit.
 *   <li>Position: {@code watermark_left} or {@code watermark_right} from that edge of the frame, {@code watermark_top}
 *       or {@code watermark_bottom} likewise. Without either of a pair, the mark keeps {@link #DEFAULT_MARGIN} of the
 *       frame's shorter side from the right (or bottom) edge: bottom-right by default. The mark is kept inside the
 *       frame.
 *   <li>Scale: pixel values refer to the output's frame; in an adaptive-streaming ladder to the top rung, and each
 *       rung scales them (and the image's own size) by its height over the top rung's. Percentages are of each
 *       rung's own frame.
 *   <li>{@code watermark_opacity} (default 1) multiplies the image's own alpha, so a PNG's transparent pixels stay
 *       transparent and a JPEG is opaque.
 * </ul>
 *
 * <p>The image is decoded once per run and overlaid on every frame (the overlay filter repeats the last picture of
 * its second input, so the one-frame image needs no {@code -loop}).
 */
final class WatermarkOverlay {
    /** The margin of a mark placed by default, as a share of the frame's shorter side. */
    static final double DEFAULT_MARGIN = 0.02;

    /**
     * One picture to mark.
     *
     * @param in the label of the picture in the graph, without brackets
     * @param out the label to give the marked picture, or null to leave the graph's last chain open for more filters
     * @param scale what pixel values are multiplied by on this frame (1, or a rung's height over the top rung's)
     * @param pixelAspect how many times wider than high the frame's pixels are shown (1, or an anamorphic frame's
     *     sample aspect ratio)
     */
    record Frame(String in, String out, int width, int height, double scale, double pixelAspect) {
        Frame(String in, String out, int width, int height, double scale) {
            this(in, out, width, height, scale, 1);
        }
    }

    /** Where the mark goes on one frame, in whole pixels. */
    record Placement(int x, int y, int width, int height) {}

    private final Profile profile;
    private final Watermark image;
    private final int inputIndex;

    private WatermarkOverlay(Profile profile, Watermark image, int inputIndex) {
        this.profile = profile;
        this.image = image;
        this.inputIndex = inputIndex;
    }

    /**
     * The overlay of {@code profile}'s watermark read as ffmpeg input {@code inputIndex}, or null when the profile
     * draws none.
     *
     * @throws IllegalArgumentException when the profile draws a watermark but {@code image} is null
     */
    static WatermarkOverlay of(Profile profile, Watermark image, int inputIndex) {
        if (!profile.drawsWatermark()) {
            return null;
        }
        if (image == null) {
            throw new IllegalArgumentException(
                    "the profile draws a watermark but no watermark image was given (fetch watermark_url first)");
        }
        return new WatermarkOverlay(profile, image, inputIndex);
    }

    /** Adds the image as an input, read like the main one: its probed demuxer forced, only local files. */
    void input(List<String> a) {
        a.addAll(List.of("-protocol_whitelist", "file", "-f", image.demuxer(), "-i", "file:" + image.file()));
    }

    /**
     * The first video stream of input 0 through {@code chain} (which makes {@code frame}), then marked; the graph's
     * last chain is left open for more filters.
     */
    String over(String chain, Geometry frame) {
        return "[0:v:0]" + chain + "[base];"
                + graph(List.of(new Frame("base", null, frame.outWidth(), frame.outHeight(), 1, frame.pixelAspect())));
    }

    /**
     * The first video streams of inputs 0 to {@code count - 1}, each through {@code chain} (which makes
     * {@code frame}) and marked, as {@code [t0]} to {@code [t<count-1>]}: thumbnails, one input each.
     */
    String overEach(String chain, int count, Geometry frame) {
        StringBuilder g = new StringBuilder();
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            g.append('[')
                    .append(i)
                    .append(":v:0]")
                    .append(chain)
                    .append("[b")
                    .append(i)
                    .append("];");
            frames.add(new Frame("b" + i, "t" + i, frame.outWidth(), frame.outHeight(), 1));
        }
        return g.append(graph(frames)).toString();
    }

    /**
     * The graph that marks each of {@code frames} (their {@code in} labels defined elsewhere in the graph): the image
     * made translucent once, split when there are several frames, and scaled for each.
     */
    String graph(List<Frame> frames) {
        StringBuilder g = new StringBuilder().append('[').append(inputIndex).append(":v]format=rgba");
        double opacity = profile.get(WATERMARK_OPACITY, 1.0);
        if (opacity < 1) {
            g.append(",colorchannelmixer=aa=").append(decimal(opacity));
        }
        int n = frames.size();
        if (n > 1) {
            g.append(",split=").append(n);
            for (int i = 0; i < n; i++) {
                g.append("[wmi").append(i).append(']');
            }
        }
        for (int i = 0; i < n; i++) {
            Frame f = frames.get(i);
            Placement at = place(f.width(), f.height(), f.scale(), f.pixelAspect());
            if (n > 1) {
                g.append(";[wmi").append(i).append(']');
            } else {
                g.append(',');
            }
            g.append("scale=")
                    .append(at.width())
                    .append(':')
                    .append(at.height())
                    .append(":flags=bicubic[wm")
                    .append(i)
                    .append("];[")
                    .append(f.in())
                    .append("][wm")
                    .append(i)
                    .append("]overlay=")
                    .append(at.x())
                    .append(':')
                    .append(at.y());
            if (f.out() != null) {
                g.append('[').append(f.out()).append(']');
            }
        }
        return g.toString();
    }

    /** Where the mark goes on a {@code width} x {@code height} frame whose pixel values are scaled by {@code scale}. */
    Placement place(int width, int height, double scale) {
        return place(width, height, scale, 1);
    }

    /**
     * Like {@link #place(int, int, double)} on a frame whose pixels are shown {@code pixelAspect} times wider than
     * high: the mark's size in stored pixels is narrowed (or widened) by as much, so it keeps its shape on screen.
     */
    Placement place(int width, int height, double scale, double pixelAspect) {
        PixelsOrPercent pw = profile.get(WATERMARK_WIDTH);
        PixelsOrPercent ph = profile.get(WATERMARK_HEIGHT);
        double aspect = (double) image.width() / image.height() / pixelAspect;
        double w;
        double h;
        if (pw != null && ph != null) {
            w = pw.on(width, scale);
            h = ph.on(height, scale);
        } else if (pw != null) {
            w = pw.on(width, scale);
            h = w / aspect;
        } else if (ph != null) {
            h = ph.on(height, scale);
            w = h * aspect;
        } else {
            w = image.width() * scale / pixelAspect;
            h = image.height() * scale;
        }
        double fit = Math.min(1, Math.min(width / w, height / h));
        int mw = clamp(Math.round(w * fit), 1, width);
        int mh = clamp(Math.round(h * fit), 1, height);
        long margin = Math.round(DEFAULT_MARGIN * Math.min(width, height));
        long x = profile.has(WATERMARK_LEFT)
                ? Math.round(profile.get(WATERMARK_LEFT).on(width, scale))
                : width - mw - offset(profile.get(WATERMARK_RIGHT), width, scale, margin);
        long y = profile.has(WATERMARK_TOP)
                ? Math.round(profile.get(WATERMARK_TOP).on(height, scale))
                : height - mh - offset(profile.get(WATERMARK_BOTTOM), height, scale, margin);
        return new Placement(clamp(x, 0, width - mw), clamp(y, 0, height - mh), mw, mh);
    }

    private static long offset(PixelsOrPercent from, int side, double scale, long orElse) {
        return from == null ? orElse : Math.round(from.on(side, scale));
    }

    private static int clamp(long v, int min, int max) {
        return (int) Math.max(min, Math.min(max, v));
    }

    private static String decimal(double d) {
        return BigDecimal.valueOf(d)
                .setScale(3, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }
}
