package io.nommer.storage.s3;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What reading a stored object for an HTTP client gave: the object (200), the byte range asked for (206), nothing
 * because the client's copy is current (304) or because the range lies outside the object (416).
 *
 * @param body the bytes for 200 and 206; null otherwise
 * @param length the body's length, -1 when unknown
 * @param contentRange for 206 {@code bytes first-last/size}, for 416 {@code bytes * /size}; null otherwise
 * @param etag the object's entity tag as S3 gives it (quoted); null when unknown
 * @param lastModified null when unknown
 */
public record ObjectRead(
        int status, InputStream body, long length, String contentRange, String etag, Instant lastModified)
        implements Closeable {

    /** The parts of a client's request that change what is read: a byte range and the version the client holds. */
    public record Conditions(String range, String ifNoneMatch, Instant ifModifiedSince) {
        /** One range of bytes; a list of ranges is not asked of S3 (the whole object is read instead). */
        private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d+-\\d*|-\\d+)");

        public static final Conditions NONE = new Conditions(null, null, null);

        public Conditions {
            if (range != null && !SINGLE_RANGE.matcher(range.strip()).matches()) {
                range = null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (body != null) {
            body.close();
        }
    }
}
