package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.server.http.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Typed reads of request JSON, each failing with a 422 that names the field. */
final class Fields {
    private Fields() {}

    static String text(JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.invalid(path, path + " must be a string");
        }
        return n.textValue();
    }

    static void onlyKnown(JsonNode node, Set<String> known, String prefix) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                throw new ApiException(422, "unknown_field", "'" + f + "' is not a field here; known fields are "
                        + new java.util.TreeSet<>(known), prefix + f);
            }
        });
    }

    /** Every field of {@code node} except {@code skip}, as plain Java values, for profile parsing. */
    static Map<String, Object> rest(ObjectMapper mapper, JsonNode node, Set<String> skip) {
        Map<String, Object> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!skip.contains(e.getKey())) {
                m.put(e.getKey(), mapper.convertValue(e.getValue(), Object.class));
            }
        });
        return m;
    }
}
