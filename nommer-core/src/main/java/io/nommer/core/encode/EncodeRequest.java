package io.nommer.core.encode;

import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One output to produce from a local input.
 *
 * @param taskId for logs and errors
 * @param outDir an empty directory inside the task's working directory
 * @param baseName output file name without extension
 * @param timeout wall-clock limit for the whole encode; the encoder is killed past it
 * @param rendition for one part of a streaming ladder spread over workers: the rung to encode alone; else null
 * @param renditions for the packaging of such a ladder: every rung's encoded rendition (local files); else empty
 * @param watermark the picture to draw when the profile {@link Profile#drawsWatermark() draws one}, fetched and
 *     probed; else null
 */
public record EncodeRequest(
        String taskId,
        Profile profile,
        MediaInfo input,
        Path inputFile,
        Path outDir,
        String baseName,
        Duration timeout,
        Integer rendition,
        Map<Integer, Path> renditions,
        Watermark watermark) {
    public EncodeRequest {
        renditions = renditions == null ? Map.of() : Map.copyOf(renditions);
    }

    /** Without a watermark. */
    public EncodeRequest(
            String taskId,
            Profile profile,
            MediaInfo input,
            Path inputFile,
            Path outDir,
            String baseName,
            Duration timeout,
            Integer rendition,
            Map<Integer, Path> renditions) {
        this(taskId, profile, input, inputFile, outDir, baseName, timeout, rendition, renditions, null);
    }

    /** A whole output in one encode. */
    public EncodeRequest(
            String taskId,
            Profile profile,
            MediaInfo input,
            Path inputFile,
            Path outDir,
            String baseName,
            Duration timeout) {
        this(taskId, profile, input, inputFile, outDir, baseName, timeout, null, Map.of(), null);
    }
}
