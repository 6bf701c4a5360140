package io.nommer.storage.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stored file opened for reading, e.g. to serve it back through the API. The caller closes it.
 *
 * @param name the file's name, for a Content-Disposition header
 */
public record StoredFile(InputStream body, long size, String name) implements Closeable {
    /**
     * Copies {@code file} (what {@code open(uri)} found) to {@code target}, replacing it.
     *
     * @throws java.io.UncheckedIOException when there is no such file or it cannot be read
     */
    public static void copy(java.util.Optional<StoredFile> file, java.net.URI uri, java.nio.file.Path target) {
        try (StoredFile f = file.orElseThrow(() -> new java.nio.file.NoSuchFileException(uri.toString()))) {
            java.nio.file.Files.copy(f.body(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
