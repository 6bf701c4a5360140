package io.nommer.ffmpeg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One decoded picture of a media file, as 8-bit RGB, decoded by ffmpeg itself: what a viewer would see at a point.
 * Exported in this module's test-jar.
 */
public final class Pixels {
    private final int width;
    private final int height;
    private final byte[] rgb;

    private Pixels(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /**
     * The first picture of {@code file} (a video, a segment or an image), which is {@code width} x {@code height}.
     *
     * @throws IllegalStateException when ffmpeg fails or the picture is not that size
     */
    public static Pixels firstFrame(Path file, int width, int height) {
        return decode(List.of("-i", file.toString(), "-frames:v", "1"), file, width, height, false);
    }

    /** Picture number {@code n} (from 0, in decoding order) of the video {@code file}, {@code width} x {@code height}. */
    public static Pixels frame(Path file, int width, int height, int n) {
        return decode(
                List.of("-i", file.toString(), "-vf", "select=eq(n\\," + n + ")", "-frames:v", "1"),
                file,
                width,
                height,
                false);
    }

    /** The last picture of the video {@code file}, which is {@code width} x {@code height}. */
    public static Pixels lastFrame(Path file, int width, int height) {
        return decode(List.of("-sseof", "-0.5", "-i", file.toString()), file, width, height, true);
    }

    private static Pixels decode(List<String> input, Path file, int width, int height, boolean last) {
        List<String> cmd =
                new ArrayList<>(List.of(TestMedia.requireFfmpeg().ffmpeg().toString(), "-v", "error"));
        cmd.addAll(input);
        cmd.addAll(List.of("-f", "rawvideo", "-pix_fmt", "rgb24", "-"));
        int size = width * height * 3;
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] raw = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0 || raw.length == 0 || raw.length % size != 0 || !last && raw.length != size) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "decoding %s gave %d bytes (exit %d), not one %dx%d picture",
                        file,
                        raw.length,
                        p.exitValue(),
                        width,
                        height));
            }
            return new Pixels(width, height, Arrays.copyOfRange(raw, raw.length - size, raw.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The red, green and blue (0-255) of the pixel at column {@code x}, row {@code y}. */
    public int[] at(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IllegalArgumentException(x + "," + y + " is outside the " + width + "x" + height + " picture");
        }
        int i = (y * width + x) * 3;
        return new int[] {rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff};
    }

    /** How bright the pixel at column {@code x}, row {@code y} is: the mean of its red, green and blue. */
    public int brightness(int x, int y) {
        int[] c = at(x, y);
        return (c[0] + c[1] + c[2]) / 3;
    }

    /** Whether the pixel at {@code x}, {@code y} is within {@code tolerance} of {@code r}, {@code g}, {@code b}. */
    public boolean near(int x, int y, int r, int g, int b, int tolerance) {
        int[] c = at(x, y);
        return Math.abs(c[0] - r) <= tolerance && Math.abs(c[1] - g) <= tolerance && Math.abs(c[2] - b) <= tolerance;
    }

    /** The pixel as {@code (r, g, b)}, for assertion messages. */
    public String describe(int x, int y) {
        int[] c = at(x, y);
        return "(" + c[0] + ", " + c[1] + ", " + c[2] + ") at " + x + "," + y;
    }
}
