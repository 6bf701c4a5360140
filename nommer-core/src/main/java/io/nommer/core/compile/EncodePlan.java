package io.nommer.core.compile;

import io.nommer.core.encode.PlannedFile;
import java.nio.file.Path;
import java.util.List;

/**
 * What it takes to produce one output: ffmpeg runs in order (two-pass encodes have two) and the files they leave.
 * Adaptive-streaming outputs add file work around the runs, as values so that the compiler stays pure; the encoder
 * performs it.
 *
 * <p>The result of an encode is, in this order: every file matched by {@code fileSets} (in set order, then name
 * order), then {@code files}. Publishers keep that order, so segments land before the playlists and manifests that
 * name them.
 *
 * @param mediaSeconds the length of media each run processes, to turn {@code out_time} into a percentage; null
 *     when unknown
 * @param scratchDir a private directory for intermediates, key material and staged archive members; never inside
 *     the output directory, created before the first step and deleted with its content after the last one (also on
 *     failure); null when the plan needs none
 * @param before steps performed before the first ffmpeg run (directories, key info files)
 * @param after steps performed after the last ffmpeg run, in order (manifests, archives)
 * @param fileSets outputs whose number is known only after the run (numbered segments)
 */
public record EncodePlan(
        List<FfmpegCommand> commands,
        List<PlannedFile> files,
        Double mediaSeconds,
        Path scratchDir,
        List<PlanStep> before,
        List<PlanStep> after,
        List<FileSet> fileSets) {
    public EncodePlan {
        commands = List.copyOf(commands);
        files = List.copyOf(files);
        before = List.copyOf(before);
        after = List.copyOf(after);
        fileSets = List.copyOf(fileSets);
    }

    /** A plan of ffmpeg runs alone, each leaving the known {@code files}. */
    public EncodePlan(List<FfmpegCommand> commands, List<PlannedFile> files, Double mediaSeconds) {
        this(commands, files, mediaSeconds, null, List.of(), List.of(), List.of());
    }
}
