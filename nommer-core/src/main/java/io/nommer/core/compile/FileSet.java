package io.nommer.core.compile;

import io.nommer.core.encode.PlannedFile;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Outputs whose number is known only after the run, such as HLS or DASH segments: every regular file directly in
 * {@code dir} whose name starts with {@code prefix} and ends with {@code suffix}, except the names in {@code except}.
 * An encode fails when a {@code required} set matches nothing.
 *
 * @param role the role of each matched file (see {@link PlannedFile}); null to tell it from each file's name
 *     ({@link #roleByName})
 */
public record FileSet(Path dir, String prefix, String suffix, String role, Set<String> except, boolean required) {
    public FileSet {
        except = Set.copyOf(except);
    }

    /** A set that must match at least one file. */
    public FileSet(Path dir, String prefix, String suffix, String role) {
        this(dir, prefix, suffix, role, Set.of(), true);
    }

    /** Whatever else is in {@code dir}, possibly nothing, each file's role told from its name. */
    public static FileSet others(Path dir, Set<String> except) {
        return new FileSet(dir, "", "", null, except, false);
    }

    public boolean matches(String fileName) {
        return fileName.startsWith(prefix)
                && fileName.endsWith(suffix)
                && fileName.length() >= prefix.length() + suffix.length()
                && !except.contains(fileName);
    }

    /** The role of a matched file. */
    public String roleOf(String fileName) {
        return role != null ? role : roleByName(fileName);
    }

    /** What a file is, from its extension: playlists, manifests, segments, pictures; anything else is media. */
    public static String roleByName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "m3u8" -> PlannedFile.VARIANT_PLAYLIST;
            case "mpd", "ism", "ismc", "csv", "ffconcat" -> PlannedFile.MANIFEST;
            case "ts", "m4s", "aac", "vtt", "webm_chunk" -> PlannedFile.SEGMENT;
            case "jpg", "jpeg", "png", "webp", "bmp" -> "thumbnail";
            default -> PlannedFile.MEDIA;
        };
    }
}
