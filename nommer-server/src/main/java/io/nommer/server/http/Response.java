package io.nommer.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler returns: a status, headers and either a JSON value, raw bytes or a stream of known length.
 */
public final class Response {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final Object json;
    final byte[] bytes;
    final StreamBody stream;

    /** A body copied to the client; {@code length} may be -1 when unknown. */
    public record StreamBody(InputStream in, long length) {}

    private Response(int status, Object json, byte[] bytes, StreamBody stream) {
        this.status = status;
        this.json = json;
        this.bytes = bytes;
        this.stream = stream;
    }

    public static Response json(int status, Object body) {
        return new Response(status, body, null, null);
    }

    public static Response ok(Object body) {
        return json(200, body);
    }

    public static Response noContent() {
        return new Response(204, null, null, null);
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, null, body, null).header("Content-Type", contentType);
    }

    public static Response stream(String contentType, InputStream in, long length) {
        return new Response(200, null, null, new StreamBody(in, length)).header("Content-Type", contentType);
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
