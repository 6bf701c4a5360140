package io.nommer.core.command;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an ffmpeg option's value may be in a custom command. Each kind is a pattern, a closed list, or a parser; none
 * admits a path, a URL or a protocol except {@link #FILE}, which admits only plain names in the working directory.
 */
enum ValueKind {
    NONE("no value"),
    INTEGER("an integer", "-?[0-9]{1,10}"),
    NUMBER("a number", "-?[0-9]{1,10}(\\.[0-9]{1,9})?"),
    BITRATE("a bitrate such as 800k, 1.5M or 128000", "[0-9]{1,10}(\\.[0-9]{1,6})?[kKmM]?"),
    SIZE(
            "a size such as 1280x720 (or hd720, vga...)",
            "[0-9]{1,5}x[0-9]{1,5}|hd480|hd720|hd1080|qvga|vga|svga|xga|ntsc|pal|qcif|cif|4cif"),
    RATE("a frame rate such as 25, 29.97 or 30000/1001", "[0-9]{1,6}(/[0-9]{1,6}|\\.[0-9]{1,6})?|ntsc|pal|film"),
    RATIO("an aspect ratio such as 16:9 or 1.7778", "[0-9]{1,5}[:/][0-9]{1,5}|[0-9]{1,5}(\\.[0-9]{1,6})?"),
    TIME(
            "a time such as 10, 2.5, 00:01:30.5 or 500ms",
            "-?[0-9]{1,9}(\\.[0-9]{1,6})?(ms|us|s)?|[0-9]{1,3}:[0-9]{2}(:[0-9]{2})?(\\.[0-9]{1,6})?"),
    WORD("a word such as slow, yuv420p or +faststart", "[A-Za-z0-9_.+-]{1,64}"),
    /** ffmpeg's expressions and lists of times; no quotes, slashes to paths or protocol separators. */
    EXPRESSION("an expression such as expr:gte(t,n_forced*2)", "[A-Za-z0-9_.,:()*+<>=! -]{1,256}"),
    TEXT("text of up to 256 characters", "[^\\p{Cntrl}]{0,256}"),
    METADATA("key=value metadata", "[A-Za-z0-9_-]{1,64}=[^\\p{Cntrl}]{0,256}"),
    STREAM_MAP(
            "a stream such as 0:v:0, -0:s, 0:a? or [label]",
            "-?[0-9]{1,2}(:[vaVsdt](:[0-9]{1,2})?|:[0-9]{1,2})?\\??|\\[[A-Za-z0-9_]{1,32}\\]"),
    ENCODER("an encoder on the list (libx264, aac, copy, ...)"),
    MUXER("an output format on the list (mp4, hls, dash, null, ...)"),
    FILTERGRAPH("a filter graph of filters on the list"),
    X264_PARAMS("key=value pairs of allowed x264 settings, separated by ':'"),
    X265_PARAMS("key=value pairs of allowed x265 settings, separated by ':'"),
    FILE("$input_file$, $output_file$ or a plain file name in the working directory"),
    INPUT("$input_file$ or a plain file name in the working directory");

    /** ffmpeg's encoders a custom command may name with {@code -c}, {@code -vcodec} or {@code -acodec}. */
    static final Set<String> ENCODERS = Set.of(
            "copy",
            "libx264",
            "libx265",
            "libvpx",
            "libvpx-vp9",
            "libaom-av1",
            "libsvtav1",
            "mpeg4",
            "libxvid",
            "mpeg2video",
            "mpeg1video",
            "flv",
            "h263",
            "h263p",
            "mjpeg",
            "png",
            "gif",
            "libwebp",
            "libtheora",
            "dvvideo",
            "prores_ks",
            "dnxhd",
            "libmp3lame",
            "aac",
            "libopus",
            "libvorbis",
            "ac3",
            "eac3",
            "mp2",
            "flac",
            "alac",
            "pcm_s16le",
            "pcm_s24le",
            "mov_text",
            "webvtt");

    /**
     * ffmpeg's muxers a custom command may name with {@code -f}: files only. Not {@code tee} (fans out to any
     * URL), not devices, and never an input format: {@code -f lavfi}, {@code -f concat} and friends read from anywhere.
     */
    static final Set<String> MUXERS = Set.of(
            "mp4",
            "mov",
            "ipod",
            "3gp",
            "webm",
            "matroska",
            "flv",
            "f4v",
            "mpegts",
            "mpeg",
            "vob",
            "dvd",
            "dv",
            "avi",
            "mxf",
            "hls",
            "dash",
            "segment",
            "smoothstreaming",
            "ismv",
            "mp3",
            "adts",
            "ogg",
            "opus",
            "wav",
            "flac",
            "ac3",
            "mp2",
            "image2",
            "mjpeg",
            "gif",
            "webp",
            "webvtt",
            "null");

    private final String description;
    private final Pattern pattern;

    ValueKind(String description) {
        this(description, null);
    }

    ValueKind(String description, String regex) {
        this.description = description;
        this.pattern = regex == null ? null : Pattern.compile(regex);
    }

    String description() {
        return description;
    }

    /** Whether a value matches this kind's pattern; the kinds without one are checked by {@link FfmpegAllowlist}. */
    boolean matches(String value) {
        return pattern != null && pattern.matcher(value).matches();
    }

    boolean hasPattern() {
        return pattern != null;
    }
}
