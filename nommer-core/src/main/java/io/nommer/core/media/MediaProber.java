package io.nommer.core.media;

import java.nio.file.Path;

/** Learns what a local media file holds (ffprobe). */
public interface MediaProber {
    /**
     * Probes {@code file} using only the demuxers of {@link MediaFormats#SAFE_DEMUXERS}.
     *
     * @throws io.nommer.core.failure.TaskFailedException {@code input_empty} for a zero-byte file, {@code not_media} when
     *     no safe demuxer recognises it or it has no audio or video stream
     */
    MediaInfo probe(Path file);
}
