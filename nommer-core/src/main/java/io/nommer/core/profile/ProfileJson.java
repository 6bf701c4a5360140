package io.nommer.core.profile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one codec between profiles and JSON, for the API and the store alike. A profile's wire form is a flat object of
 * its set fields, in {@link Profile#fields()} order, with each field's wire name.
 *
 * <p>Why jackson-core in core: a profile is a JSON document by definition, and the API and the store must read and
 * write it the same way; the streaming parser (no databind, no dependencies) lets both share this class without a
 * untyped map in between.
 */
public final class ProfileJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ProfileJson() {}

    /**
     * Reads the fields of the JSON object {@code p} is at (or just before) as a user wrote them, skipping the names
     * in {@code skip}: unknown names, preset-only fields and bad values become violations, in the order written; a
     * {@code null} value counts as absent.
     */
    public static ParsedProfile read(JsonParser p, Set<String> skip) throws IOException {
        return read(p, skip, false);
    }

    /**
     * The fields of the object at {@code p}. A user's ({@code stored} false) may not name unknown or preset-only
     * fields; the store's may name any field, and fields this version does not know (a newer one wrote them) are
     * skipped.
     */
    private static ParsedProfile read(JsonParser p, Set<String> skip, boolean stored) throws IOException {
        JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
        if (t != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("a profile must be a JSON object");
        }
        Profile.Builder builder = Profile.builder();
        List<ProfileViolation> violations = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            Object value = value(p);
            if (value == null || skip.contains(name)) {
                continue;
            }
            Optional<ProfileField<?>> field = Profile.field(name);
            if (field.isEmpty()) {
                if (!stored) {
                    violations.add(new ProfileViolation(name, "is not a profile field"));
                }
            } else if (!stored && !field.get().settable()) {
                violations.add(new ProfileViolation(name, "is fixed by the preset and cannot be set"));
            } else {
                try {
                    set(builder, field.get(), value);
                } catch (IllegalArgumentException e) {
                    violations.add(new ProfileViolation(name, e.getMessage()));
                }
            }
        }
        return new ParsedProfile(builder.build(), violations);
    }

    /**
     * A profile from JSON text a user wrote.
     *
     * @throws InvalidProfileException naming every bad field
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static Profile parse(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            return read(p, Set.of()).orThrow();
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A profile as {@link #write} wrote it: every field, preset-only ones too; names this version does not know
     * (written by a newer one) are skipped.
     *
     * @throws IllegalArgumentException when a value is not what its field takes
     */
    public static Profile readStored(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            ParsedProfile parsed = read(p, Set.of(), true);
            if (!parsed.violations().isEmpty()) {
                throw new IllegalArgumentException(
                        "stored profile field " + parsed.violations().get(0));
            }
            return parsed.profile();
        } catch (IOException e) {
            throw new IllegalArgumentException("stored profile is not JSON: " + e.getMessage(), e);
        }
    }

    /** The whole profile as JSON text, secrets and preset-only fields included: for the store. */
    public static String write(Profile profile) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            writeFields(profile, g, true);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Writes the profile's set fields into the object {@code g} is writing (no braces).
     *
     * @param secrets whether to write secret fields (the encryption key); the API never does
     */
    public static void writeFields(Profile profile, JsonGenerator g, boolean secrets) throws IOException {
        for (ProfileField<?> f : Profile.fields()) {
            if (profile.has(f) && (secrets || !f.secret())) {
                g.writeFieldName(f.name());
                writeValue(g, json(profile, f));
            }
        }
    }

    private static <T> Object json(Profile profile, ProfileField<T> f) {
        return f.toJson(profile.get(f));
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeValue(g, item);
            }
            g.writeEndArray();
        } else {
            throw new IllegalStateException("a profile field's JSON value cannot be " + v.getClass());
        }
    }

    private static <T> void set(Profile.Builder builder, ProfileField<T> field, Object json) {
        builder.put(field, field.fromJson(json));
    }

    /** The scalar at the parser, a list for an array, {@link ProfileField#NOT_A_SCALAR} for an object, null for null. */
    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    Object item = value(p);
                    items.add(item == null ? ProfileField.NOT_A_SCALAR : item);
                }
                yield items;
            }
            default -> {
                p.skipChildren();
                yield ProfileField.NOT_A_SCALAR;
            }
        };
    }
}
