package io.nommer.core.encode;

import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Profile;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One output to produce from a local input.
 *
 * @param taskId for logs and errors
 * @param outDir an empty directory inside the task's working directory
 * @param baseName output file name without extension
 * @param timeout wall-clock limit for the whole encode; the encoder is killed past it
 */
public record EncodeRequest(
        String taskId, Profile profile, MediaInfo input, Path inputFile, Path outDir, String baseName, Duration timeout) {}
