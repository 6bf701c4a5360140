package io.nommer.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP request as handlers see it: path parameters, query parameters, headers and a bounded body. */
public final class Request {
    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;
    private final ObjectMapper mapper;

    Request(HttpExchange exchange, Map<String, String> pathParams, ObjectMapper mapper) {
        this.exchange = exchange;
        this.pathParams = pathParams;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
        this.mapper = mapper;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    /** A query parameter, or null. */
    public String query(String name) {
        return query.get(name);
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The request's base URL ({@code http://host:port}) as the client addressed us. */
    public String baseUrl() {
        String host = header("Host");
        if (host == null) {
            host = exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort();
        }
        return "http://" + host;
    }

    public InputStream body() {
        return exchange.getRequestBody();
    }

    /** The declared body length, or -1 when the client streams without one. */
    public long contentLength() {
        String v = header("Content-Length");
        try {
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", "Content-Length is not a number");
        }
    }

    /**
     * Reads the body as a JSON object of at most {@code maxBytes}.
     *
     * @throws ApiException 400 {@code malformed_json}, 413 {@code body_too_large}, 415 {@code unsupported_media_type}
     */
    public JsonNode jsonObject(int maxBytes) {
        String type = header("Content-Type");
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")
                && !type.toLowerCase(java.util.Locale.ROOT).contains("+json")) {
            throw new ApiException(415, "unsupported_media_type", "send JSON with Content-Type: application/json");
        }
        byte[] raw;
        try {
            raw = body().readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "could not read the request body: " + e.getMessage());
        }
        if (raw.length > maxBytes) {
            throw new ApiException(413, "body_too_large", "the JSON body is larger than " + maxBytes + " bytes");
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

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.putIfAbsent(k, v);
        }
        return m;
    }
}
