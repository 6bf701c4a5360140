package io.nommer.core.encode;

import java.util.List;

/**
 * What it takes to produce one output: ffmpeg runs in order (two-pass encodes have two) and the files they leave.
 *
 * @param mediaSeconds the length of media each run processes, to turn {@code out_time} into a percentage; null
 *     when unknown
 */
public record EncodePlan(List<FfmpegCommand> commands, List<PlannedFile> files, Double mediaSeconds) {
    public EncodePlan {
        commands = List.copyOf(commands);
        files = List.copyOf(files);
    }
}
