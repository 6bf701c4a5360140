package io.nommer.core.media;

import java.util.List;

/** Which demuxers nommer lets ffprobe and ffmpeg use on inputs. */
public final class MediaFormats {
    /**
     * Demuxers for self-contained media files. Deliberately absent: playlist and reference formats (hls, dash, concat,
     * ffconcat, image2 patterns, tee, ...) that would make ffmpeg open other files or URLs named inside the input.
     * Passed to ffprobe as {@code -format_whitelist}; ffmpeg then gets the probed name through {@code -f}.
     */
    public static final List<String> SAFE_DEMUXERS = List.of(
            "mov",
            "mp4",
            "m4a",
            "3gp",
            "3g2",
            "mj2",
            "matroska",
            "webm",
            "avi",
            "flv",
            "mpegts",
            "mpeg",
            "mpegvideo",
            "mp3",
            "aac",
            "wav",
            "ogg",
            "asf",
            "mxf",
            "dv",
            "flac",
            "ac3",
            "eac3",
            "amr",
            "h264",
            "hevc",
            "m4v",
            "gif",
            "nut",
            "ivf",
            "yuv4mpegpipe",
            "w64",
            "aiff",
            "caf",
            "wv",
            "rm",
            "mjpeg",
            "mpjpeg",
            "swf",
            "vc1",
            "mpegps",
            "dirac",
            "h261",
            "h263",
            "obu",
            "av1",
            "truehd",
            "mlp",
            "dts",
            "wsaud",
            "au",
            "voc",
            "opus",
            // single still images (our own thumbnails are probed too); image2, which expands file patterns, is not here
            "jpeg_pipe",
            "png_pipe");

    private MediaFormats() {}

    public static String whitelist() {
        return String.join(",", SAFE_DEMUXERS);
    }
}
