package io.nommer.ffmpeg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaFormats;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.MediaProber;
import io.nommer.core.media.StreamInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Probes inputs with ffprobe, allowing only the demuxers of {@link MediaFormats#SAFE_DEMUXERS} and only the
 * {@code file} protocol, so that a playlist or reference file (HLS, concat, ...) disguised under a media file name is
 * refused instead of making ffprobe open the files or URLs it names.
 */
public final class FfprobeProber implements MediaProber {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Set<String> IMAGE_EXTENSIONS = java.util.Set.of("jpg", "jpeg", "png");

    private final Path ffprobe;
    private final ProcessRunner runner;
    private final Duration timeout;

    public FfprobeProber(FfmpegBinaries binaries) {
        this(binaries.ffprobe(), new LocalProcessRunner(), DEFAULT_TIMEOUT);
    }

    /**
     * @param ffprobe the ffprobe binary
     * @param runner runs it
     * @param timeout how long one probe may take before it is killed and the input refused
     */
    public FfprobeProber(Path ffprobe, ProcessRunner runner, Duration timeout) {
        this.ffprobe = Objects.requireNonNull(ffprobe, "ffprobe");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The exact ffprobe command for {@code file}, binary first. */
    public List<String> command(Path file) {
        return List.of(
                ffprobe.toString(),
                "-v",
                "error",
                "-hide_banner",
                "-format_whitelist",
                MediaFormats.whitelist(),
                "-protocol_whitelist",
                "file",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                "file:" + file.toAbsolutePath());
    }

    @Override
    public MediaInfo probe(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new TaskFailedException(ErrorCode.INPUT_NOT_FOUND, "the input file " + file + " does not exist");
        } catch (IOException e) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_NOT_FOUND, "the input file " + file + " cannot be read: " + e, null, e);
        }
        if (size == 0) {
            throw new TaskFailedException(ErrorCode.INPUT_EMPTY, "the input is empty (0 bytes)");
        }
        StringBuilder out = new StringBuilder();
        ProcessResult r;
        Path neutral = imageExtension(file) ? neutralName(file) : null;
        try {
            r = runner.run(new ProcessRequest(
                            command(neutral == null ? file : neutral),
                            null,
                            timeout,
                            line -> out.append(line).append('\n'),
                            null,
                            null)
                    // what a sandbox shows ffprobe: the file, and the directory of the link to it
                    .reading(neutral == null ? List.of(file) : List.of(neutral.getParent(), file)));
        } catch (UncheckedIOException e) {
            throw new TaskFailedException(
                    ErrorCode.INTERNAL, "cannot run ffprobe (" + ffprobe + "): " + e.getMessage(), null, e);
        } finally {
            if (neutral != null) {
                deleteQuietly(neutral);
                deleteQuietly(neutral.getParent());
            }
        }
        String tail = r.stderrText();
        if (r.cancelled()) {
            throw new java.util.concurrent.CancellationException("ffprobe of " + file + " was stopped (shutting down)");
        }
        if (r.limitExceeded() != null) {
            throw new TaskFailedException(
                    r.limitExceeded().errorCode(),
                    "ffprobe was stopped reading the input: "
                            + r.limitExceeded().reason(),
                    tail,
                    null);
        }
        if (r.timedOut()) {
            throw new TaskFailedException(
                    ErrorCode.NOT_MEDIA,
                    "ffprobe did not finish reading the input within " + timeout.toSeconds() + " s",
                    tail,
                    null);
        }
        if (r.exitCode() != 0) {
            throw new TaskFailedException(
                    ErrorCode.NOT_MEDIA,
                    "the input is not a media file nommer accepts (ffprobe exit " + r.exitCode()
                            + (tail.isBlank() ? "" : ": " + lastLine(tail)) + ")",
                    tail,
                    null);
        }
        return parse(out.toString(), size, tail);
    }

    /**
     * Whether the file name ends in an image extension. For those, ffprobe picks the {@code image2} demuxer from the
     * name alone and, since image2 (which expands file-name patterns) is deliberately not allowed, refuses even a
     * plain JPEG that the allowed {@code jpeg_pipe} would read. Our own thumbnails are probed, so they need this.
     */
    static boolean imageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }

    /** A symbolic link without an extension, so that ffprobe decides from the content; null when it cannot be made. */
    private static Path neutralName(Path file) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("nommer-probe");
            return Files.createSymbolicLink(dir.resolve("media"), file.toAbsolutePath());
        } catch (IOException | UnsupportedOperationException e) {
            if (dir != null) {
                deleteQuietly(dir);
            }
            return null;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover empty temp directory is harmless
        }
    }

    /**
     * Turns ffprobe's JSON ({@code -show_format -show_streams}) into a {@link MediaInfo}.
     *
     * @param size the file's size in bytes, used when ffprobe does not report it
     * @param stderrTail ffprobe's stderr, for error messages; may be empty
     * @throws TaskFailedException {@code not_media} when the JSON has no usable format or no audio or video stream
     */
    public static MediaInfo parse(String json, long size, String stderrTail) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TaskFailedException(
                    ErrorCode.NOT_MEDIA,
                    "ffprobe's report could not be read: " + e.getOriginalMessage(),
                    stderrTail,
                    e);
        }
        JsonNode format = root == null ? null : root.get("format");
        String formatName = format == null ? null : text(format, "format_name");
        if (formatName == null || formatName.isBlank()) {
            throw new TaskFailedException(
                    ErrorCode.NOT_MEDIA, "ffprobe recognised no media format in the input", stderrTail, null);
        }
        List<StreamInfo> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            streams.add(stream(s));
        }
        MediaInfo info =
                new MediaInfo(formatName, duration(format, streams), longValue(format, "bit_rate"), size, streams);
        if (!MediaFormats.SAFE_DEMUXERS.contains(info.demuxer())) {
            // why: defence in depth; -format_whitelist already refuses these
            throw new TaskFailedException(
                    ErrorCode.NOT_MEDIA, "the input's format '" + formatName + "' is not allowed", stderrTail, null);
        }
        if (info.video().isEmpty() && info.audio().isEmpty()) {
            throw new TaskFailedException(
                    ErrorCode.NOT_MEDIA,
                    "the input (format " + formatName + ") has no audio or video stream",
                    stderrTail,
                    null);
        }
        return info;
    }

    private static StreamInfo stream(JsonNode s) {
        String type = text(s, "codec_type");
        boolean attachedPicture = s.path("disposition").path("attached_pic").asInt(0) == 1;
        // why: cover art in an mp3/m4a is a one-frame "video" stream; encoding it as the video would be wrong, so it
        // counts as data and a video output of such a file fails with no_video_stream
        String kind = attachedPicture
                ? "data"
                : switch (type == null ? "" : type) {
                    case "video", "audio", "subtitle" -> type;
                    default -> "data";
                };
        boolean video = "video".equals(kind);
        boolean audio = "audio".equals(kind);
        Double fps = null;
        if (video) {
            fps = rational(text(s, "avg_frame_rate"));
            if (fps == null) {
                fps = rational(text(s, "r_frame_rate"));
            }
        }
        return new StreamInfo(
                s.path("index").asInt(),
                kind,
                text(s, "codec_name"),
                video ? intValue(s, "width") : null,
                video ? intValue(s, "height") : null,
                fps,
                longValue(s, "bit_rate"),
                audio ? intValue(s, "sample_rate") : null,
                audio ? intValue(s, "channels") : null,
                doubleValue(s, "duration"),
                video ? text(s, "sample_aspect_ratio") : null,
                video ? rotation(s) : 0,
                video ? text(s, "field_order") : null);
    }

    /**
     * Clockwise degrees, 0-359. ffprobe reports the display matrix's angle counter-clockwise (so an upright-on-display
     * phone video has {@code rotation: -90}); older ffprobe and some files have the clockwise {@code tags.rotate}.
     */
    static int rotation(JsonNode s) {
        for (JsonNode sd : s.path("side_data_list")) {
            JsonNode r = sd.get("rotation");
            if (r != null && r.isNumber()) {
                return normalize(-r.asDouble());
            }
        }
        String tag = text(s.path("tags"), "rotate");
        if (tag != null) {
            try {
                return normalize(Double.parseDouble(tag));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static int normalize(double degrees) {
        int d = (int) Math.round(degrees) % 360;
        return d < 0 ? d + 360 : d;
    }

    private static Double duration(JsonNode format, List<StreamInfo> streams) {
        Double d = doubleValue(format, "duration");
        if (d != null && d > 0) {
            return d;
        }
        return streams.stream()
                .filter(s -> s.isVideo() || s.isAudio())
                .map(StreamInfo::duration)
                .filter(Objects::nonNull)
                .filter(x -> x > 0)
                .max(Double::compare)
                .orElse(null);
    }

    /** {@code "30000/1001"} to 29.97; null for {@code 0/0}, absent or malformed values. */
    static Double rational(String v) {
        if (v == null) {
            return null;
        }
        int slash = v.indexOf('/');
        try {
            double n = Double.parseDouble(slash < 0 ? v : v.substring(0, slash));
            double d = slash < 0 ? 1 : Double.parseDouble(v.substring(slash + 1));
            return n > 0 && d > 0 ? n / d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer intValue(JsonNode n, String field) {
        Long v = longValue(n, field);
        return v == null || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? null : v.intValue();
    }

    private static Long longValue(JsonNode n, String field) {
        String t = n == null ? null : text(n, field);
        if (t == null) {
            return null;
        }
        try {
            return Long.parseLong(t.strip());
        } catch (NumberFormatException e) {
            return null; // "N/A"
        }
    }

    private static Double doubleValue(JsonNode n, String field) {
        String t = n == null ? null : text(n, field);
        if (t == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(t.strip());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String lastLine(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }
}
