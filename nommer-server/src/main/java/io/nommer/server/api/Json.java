package io.nommer.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import io.nommer.core.profile.StoredProfile;
import java.io.IOException;
import java.time.Instant;

/**
 * How the API writes JSON: records named in snake_case, absent (null) values left out, profiles written by their one
 * codec ({@link ProfileJson}) without secrets. Responses and webhooks share this mapper, so they agree.
 */
public final class Json {
    private Json() {}

    public static ObjectMapper mapper() {
        SimpleModule profiles = new SimpleModule("nommer-profiles")
                .addSerializer(Profile.class, new ProfileSerializer())
                .addSerializer(StoredProfile.class, new StoredProfileSerializer());
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .addModule(profiles)
                .build();
    }

    /** A profile as an object of its set fields; the encryption key is never written (the key endpoint serves it). */
    private static final class ProfileSerializer extends JsonSerializer<Profile> {
        @Override
        public void serialize(Profile p, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            ProfileJson.writeFields(p, g, false);
            g.writeEndObject();
        }
    }

    /** A stored profile: its name and preset, its own fields inline, then its times. */
    private static final class StoredProfileSerializer extends JsonSerializer<StoredProfile> {
        @Override
        public void serialize(StoredProfile p, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            g.writeStringField("name", p.name());
            if (p.preset() != null) {
                g.writeStringField("preset", p.preset());
            }
            ProfileJson.writeFields(p.fields(), g, false);
            g.writeStringField("created_at", time(p.createdAt()));
            g.writeStringField("updated_at", time(p.updatedAt()));
            g.writeEndObject();
        }
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static double round3(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    static Double round3(Double d) {
        return d == null ? null : round3(d.doubleValue());
    }

    /**
     * A cost to a billionth of the currency's unit: a second of one core at $0.05 an hour is $0.0000139, and a short
     * audio encode takes a few hundredths of a second.
     */
    static Double money(Double d) {
        return d == null ? null : Math.round(d * 1e9) / 1e9;
    }
}
