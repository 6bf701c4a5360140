package io.nommer.core.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Profiles for tests, written as a user would write them in JSON. */
public final class Profiles {
    private Profiles() {}

    /** The profile a user's JSON object with these fields reads as ({@link ProfileJson#parse}). */
    public static Profile of(Map<String, ?> fields) {
        return ProfileJson.parse(json(fields));
    }

    /** {@code preset} with a user's fields laid over it. */
    public static Profile preset(String preset, Map<String, ?> overrides) {
        return io.nommer.core.profile.Presets.find(preset).orElseThrow().overlay(of(overrides));
    }

    /** The fields as a JSON object (strings, numbers, booleans and lists of them). */
    public static String json(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            write(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeObject(v);
        }
    }
}
