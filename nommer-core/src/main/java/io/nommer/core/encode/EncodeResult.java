package io.nommer.core.encode;

import java.util.List;

/** The files an encode produced (in {@link EncodeRequest#outDir()}) and the CPU seconds it used. */
public record EncodeResult(List<PlannedFile> files, double cpuSeconds) {
    public EncodeResult {
        files = List.copyOf(files);
    }
}
