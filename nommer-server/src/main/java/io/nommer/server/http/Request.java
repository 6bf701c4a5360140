package io.nommer.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Fields;

/** One HTTP request as handlers see it: path parameters, query parameters, headers and a bounded body. */
public final class Request {
    private final org.eclipse.jetty.server.Request jetty;
    private final Map<String, String> pathParams;
    private final Fields query;
    private final ObjectMapper mapper;

    Request(org.eclipse.jetty.server.Request jetty, Map<String, String> pathParams, ObjectMapper mapper) {
        this.jetty = jetty;
        this.pathParams = pathParams;
        this.query = org.eclipse.jetty.server.Request.extractQueryParameters(jetty);
        this.mapper = mapper;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    /** A query parameter (its first value), or null. */
    public String query(String name) {
        return query.getValue(name);
    }

    public String header(String name) {
        return jetty.getHeaders().get(name);
    }

    /** The request's base URL ({@code http://host:port}, or https) as the client addressed us. */
    public String baseUrl() {
        HttpURI uri = jetty.getHttpURI();
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    /** The body; read it to its end before the response is sent (closing it early fails the request). */
    public InputStream body() {
        return Content.Source.asInputStream(jetty);
    }

    /** The declared body length, or -1 when the client streams without one. */
    public long contentLength() {
        return jetty.getLength();
    }

    /**
     * Reads the body as a JSON object of at most {@code maxBytes}.
     *
     * @throws ApiException 400 {@code malformed_json}, 413 {@code body_too_large}, 415 {@code unsupported_media_type}
     */
    public JsonNode jsonObject(int maxBytes) {
        // why: the body is read before the type is judged; answering before the client has sent it all makes the
        // server close a connection with unread bytes, and the reset can destroy the answer in flight.
        byte[] raw;
        try {
            raw = body().readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "could not read the request body: " + e.getMessage());
        }
        if (raw.length > maxBytes) {
            throw new ApiException(413, "body_too_large", "the JSON body is larger than " + maxBytes + " bytes");
        }
        String type = header("Content-Type");
        if (type != null
                && !type.toLowerCase(Locale.ROOT).startsWith("application/json")
                && !type.toLowerCase(Locale.ROOT).contains("+json")) {
            throw new ApiException(415, "unsupported_media_type", "send JSON with Content-Type: application/json");
        }
        if (raw.length == 0) {
            throw new ApiException(400, "malformed_json", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body could not be read as JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "malformed_json", "the body must be a JSON object");
        }
        return node;
    }
}
