package io.nommer.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler returns: a status, headers and either a JSON value, raw bytes, a stream of known length, or a local
 * file (served with byte ranges, ETags and conditional requests).
 */
public final class Response {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final Object json;
    final byte[] bytes;
    final StreamBody stream;
    final URI file;

    /** A body copied to the client; {@code length} may be -1 when unknown. */
    record StreamBody(InputStream in, long length) {}

    private Response(int status, Object json, byte[] bytes, StreamBody stream, URI file) {
        this.status = status;
        this.json = json;
        this.bytes = bytes;
        this.stream = stream;
        this.file = file;
    }

    public static Response json(int status, Object body) {
        return new Response(status, body, null, null, null);
    }

    public static Response ok(Object body) {
        return json(200, body);
    }

    public static Response noContent() {
        return new Response(204, null, null, null, null);
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, null, body, null, null).header("Content-Type", contentType);
    }

    public static Response stream(String contentType, InputStream in, long length) {
        return stream(200, contentType, in, length);
    }

    public static Response stream(int status, String contentType, InputStream in, long length) {
        return new Response(status, null, null, new StreamBody(in, length), null).header("Content-Type", contentType);
    }

    /** A status without a body, such as 304. */
    public static Response empty(int status) {
        return new Response(status, null, null, null, null);
    }

    /**
     * A local file or a resource on the class path ({@code file:} or {@code jar:} URI): answered with
     * {@code Accept-Ranges}, {@code ETag} and {@code Last-Modified}, partial content for a {@code Range}, and 304 for a
     * matching {@code If-None-Match} or {@code If-Modified-Since}.
     */
    public static Response file(URI file, String contentType) {
        return new Response(200, null, null, null, file).header("Content-Type", contentType);
    }

    public Response header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    void closeQuietly() {
        if (stream != null) {
            try {
                stream.in().close();
            } catch (IOException ignored) {
                // nothing more to do for a body we could not send
            }
        }
    }
}
