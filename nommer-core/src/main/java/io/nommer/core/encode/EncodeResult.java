package io.nommer.core.encode;

import java.util.List;

/**
 * The files an encode produced (in {@link EncodeRequest#outDir()}), the CPU seconds it used, and what it ran (the
 * labels of its ffmpeg runs, for the job's timeline).
 */
public record EncodeResult(List<PlannedFile> files, double cpuSeconds, List<String> runs) {
    public EncodeResult {
        files = List.copyOf(files);
        runs = List.copyOf(runs);
    }

    public EncodeResult(List<PlannedFile> files, double cpuSeconds) {
        this(files, cpuSeconds, List.of());
    }
}
