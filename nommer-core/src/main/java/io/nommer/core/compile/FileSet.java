package io.nommer.core.compile;

import io.nommer.core.encode.PlannedFile;
import java.nio.file.Path;

/**
 * Outputs that a muxer numbers itself, such as HLS or DASH segments: every regular file directly in {@code dir} whose
 * name starts with {@code prefix} and ends with {@code suffix}. An encode fails when a set matches nothing.
 *
 * @param role the role of each matched file (see {@link PlannedFile})
 */
public record FileSet(Path dir, String prefix, String suffix, String role) {
    public boolean matches(String fileName) {
        return fileName.startsWith(prefix)
                && fileName.endsWith(suffix)
                && fileName.length() >= prefix.length() + suffix.length();
    }
}
