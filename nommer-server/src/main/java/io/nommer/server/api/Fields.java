package io.nommer.server.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.profile.ParsedProfile;
import io.nommer.core.profile.ProfileJson;
import io.nommer.server.http.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
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
                throw new ApiException(
                        422,
                        "unknown_field",
                        "'" + f + "' is not a field here; known fields are " + new java.util.TreeSet<>(known),
                        prefix + f);
            }
        });
    }

    /**
     * Every field of the object {@code node} except {@code skip}, read as profile fields (bad ones are kept as
     * violations for the service to report in its order).
     */
    static ParsedProfile profile(ObjectMapper mapper, JsonNode node, Set<String> skip) {
        try (JsonParser p = node.traverse(mapper)) {
            return ProfileJson.read(p, skip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
