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
    @Override
    public void close() throws IOException {
        body.close();
    }
}
