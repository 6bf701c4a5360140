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
     * Writes the HLS master playlist {@code playlist} at {@code master}, its bit rates measured from the media
     * playlists beside it and their segments.
     */
    record HlsMasterPlaylist(Path master, HlsMaster playlist) implements PlanStep {}

    /**
     * Rewrites the MPD ffmpeg wrote at {@code mpd} to declare what its segments, which lie beside it, are: measured
     * bandwidths, and no bitstream switching between representations that each have an initialization segment.
     */
    record DashManifest(Path mpd) implements PlanStep {}

    /**
     * Writes the Smooth Streaming server manifest (.ism) and client manifest (.ismc) of the .ismv at {@code media},
     * from the tracks and fragments in that file, so that the manifests list exactly the fragments it holds.
     */
    record SmoothManifests(Path media, Path serverManifest, Path clientManifest) implements PlanStep {}

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
