package io.nommer.core.compile;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** File work an {@link EncodePlan} needs around its ffmpeg runs, as values; the encoder performs it. */
public sealed interface PlanStep {

    /** Creates {@code dir} and its parents. */
    record MakeDirectory(Path dir) implements PlanStep {}

    /**
     * Writes {@code content} to {@code path}, replacing it.
     *
     * @param secret key material: the file is readable by its owner only, and neither {@link #toString} nor logs
     *     show the content
     */
    record WriteFile(Path path, byte[] content, boolean secret) implements PlanStep {
        public WriteFile {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WriteFile w
                    && w.path.equals(path)
                    && Arrays.equals(w.content, content)
                    && w.secret == secret;
        }

        @Override
        public int hashCode() {
            return path.hashCode() * 31 + Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "WriteFile[" + path + ", " + content.length + " bytes" + (secret ? ", secret]" : "]");
        }
    }

    /** Copies a file, replacing {@code to}. */
    record CopyFile(Path from, Path to) implements PlanStep {}

    /**
     * Writes the Smooth Streaming server manifest (SMIL) {@code serverManifest} from the client manifest ffmpeg wrote:
     * one {@code video}/{@code audio} entry per quality level, all pointing at {@code mediaName} (the .ismv) with the
     * client manifest's bitrates and the .ismv's track IDs, so that the two manifests and the media agree.
     */
    record SmoothServerManifest(Path clientManifest, Path serverManifest, String mediaName, String clientManifestName)
            implements PlanStep {}

    /**
     * Writes an uncompressed ustar archive of every regular file directly in {@code sourceDir}: the names in
     * {@code leading} first (the manifests, so that a streaming unpacker sees them first), then the rest by name.
     * Entries carry bare file names, no directories.
     */
    record TarArchive(Path archive, Path sourceDir, List<String> leading) implements PlanStep {
        public TarArchive {
            leading = List.copyOf(leading);
        }
    }
}
