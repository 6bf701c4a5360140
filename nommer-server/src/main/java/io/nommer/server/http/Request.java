package io.nommer.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.auth.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Fields;

/** One HTTP request as handlers see it: path parameters, query parameters, headers and a bounded body. */
public final class Request {
    private final org.eclipse.jetty.server.Request jetty;
    private final Map<String, String> pathParams;
    private final Fields query;
    private final ObjectMapper mapper;
    private final String publicUrl;
    private final Principal principal;

    Request(
            org.eclipse.jetty.server.Request jetty,
            Map<String, String> pathParams,
            ObjectMapper mapper,
            String publicUrl,
            Principal principal) {
        this.principal = principal;
        this.jetty = jetty;
        this.pathParams = pathParams;
        this.query = org.eclipse.jetty.server.Request.extractQueryParameters(jetty);
        this.mapper = mapper;
        this.publicUrl = publicUrl;
    }

    /**
     * Who the request acts as: {@link Principal#LOCAL} with authentication off; null only on a public route called
     * without a valid key.
     */
    public Principal principal() {
        return principal;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    /** A query parameter (its first value), or null. */
    public String query(String name) {
        return query.getValue(name);
    }

    /**
     * A whole-number query parameter, or {@code defaultValue} when absent.
     *
     * @throws ApiException 400 naming the parameter and its range when it is not a number from min to max
     */
    public int intQuery(String name, int defaultValue, int min, int max) {
        String v = query(name);
        if (v == null) {
            return defaultValue;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw ApiException.invalid(name, name + " must be an integer between " + min + " and " + max);
        }
        return n;
    }

    public String header(String name) {
        return jetty.getHeaders().get(name);
    }

    /**
     * The API's base URL for links in answers: the configured {@code public_url}, else the scheme and the local
     * address and port of the connection this request came in on.
     */
    public String baseUrl() {
        if (publicUrl != null) {
            return publicUrl;
        }
        // why: never the Host header, which the client chooses: "Host: evil.example" would make every link of the
        // answer (downloads, cancel, the owner's key) point at a server of the sender's choosing
        String address = org.eclipse.jetty.server.Request.getLocalAddr(jetty);
        String host = address.contains(":") ? "[" + address + "]" : address;
        return (jetty.isSecure() ? "https" : "http") + "://" + host + ":"
                + org.eclipse.jetty.server.Request.getLocalPort(jetty);
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
        return jsonObject(maxBytes, true);
    }

    /**
     * Reads the body as a JSON object of at most {@code maxBytes}, whatever its {@code Content-Type} says: for clients
     * that send JSON under another type (media-nommer's, whose urllib2 labels every body as a form).
     *
     * @throws ApiException 400 {@code malformed_json}, 413 {@code body_too_large}
     */
    public JsonNode jsonObjectOfAnyType(int maxBytes) {
        return jsonObject(maxBytes, false);
    }

    private JsonNode jsonObject(int maxBytes, boolean requireJsonType) {
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
        if (requireJsonType
                && type != null
                && !type.toLowerCase(Locale.ROOT).startsWith("application/json")
                && !type.toLowerCase(Locale.ROOT).contains("+json")) {
            throw new ApiException(415, "unsupported_media_type", "send JSON with Content-Type: application/json");
        }
        if (raw.length == 0) {
            throw new ApiException(400, "malformed_json", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            // why: with a repeated key, which value wins is up to the parser; a client that meant the other one
            // would be served silently wrong (I-JSON, RFC 7493, requires unique names)
            node = mapper.reader()
                    .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .readTree(raw);
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
                throw new ApiException(
                        400,
                        "malformed_json",
                        "the body repeats the key '" + p.getParsingContext().getCurrentName() + "'"
                                + where(p.getParsingContext().getParent().pathAsPointer())
                                + "; each key may appear once in an object");
            }
            throw new ApiException(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body could not be read as JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "malformed_json", "the body must be a JSON object");
        }
        JsonPointer unpaired = unpairedSurrogate(node);
        if (unpaired != null) {
            // why: an unpaired surrogate (\ud800) is no character; stored or forwarded it would be changed to U+FFFD
            // or refused somewhere else (PostgreSQL, webhooks), so what the client sent would not be what it gets back
            throw new ApiException(
                    400,
                    "malformed_json",
                    "the body has an unpaired UTF-16 surrogate escape (such as \\ud800)" + where(unpaired)
                            + "; send Unicode characters only");
        }
        return node;
    }

    private static String where(JsonPointer pointer) {
        return pointer.matches() ? "" : " at " + pointer;
    }

    /**
     * Where the first key or string value holding an unpaired surrogate is, or null if there is none. The pointer is
     * built only on the way back from one: building it at every node cost more than the search.
     */
    private static JsonPointer unpairedSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return hasUnpairedSurrogate(node.textValue()) ? JsonPointer.empty() : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonPointer found = unpairedSurrogate(node.get(i));
                if (found != null) {
                    return JsonPointer.empty().appendIndex(i).append(found);
                }
            }
        }
        if (node.isObject()) {
            for (var e : node.properties()) {
                JsonPointer child =
                        hasUnpairedSurrogate(e.getKey()) ? JsonPointer.empty() : unpairedSurrogate(e.getValue());
                if (child != null) {
                    return JsonPointer.empty().appendProperty(e.getKey()).append(child);
                }
            }
        }
        return null;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
