package io.nommer.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a job request under an {@code Idempotency-Key} is compared by when the key comes again: SHA-256 (hex) of the
 * job object's canonical JSON (object members sorted by name, no insignificant whitespace, values as parsed).
 *
 * <p>why canonical JSON rather than the body's bytes: a bulk submit's job i (key {@code K#i}) has no bytes of its own,
 * only its part of the parsed body; and a client that rebuilds its request on retry (another member order, other
 * spacing) sends the same request, which must still answer the first job rather than be refused.
 */
final class RequestHash {
    private RequestHash() {}

    static String of(ObjectMapper mapper, JsonNode job) {
        try {
            byte[] canonical = mapper.writeValueAsBytes(canonical(mapper, job));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a parsed JSON object", e);
        }
    }

    private static JsonNode canonical(ObjectMapper mapper, JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode sorted = mapper.createObjectNode();
            for (String name : names) {
                sorted.set(name, canonical(mapper, node.get(name)));
            }
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode copy = mapper.createArrayNode();
            node.forEach(e -> copy.add(canonical(mapper, e)));
            return copy;
        }
        return node;
    }
}
