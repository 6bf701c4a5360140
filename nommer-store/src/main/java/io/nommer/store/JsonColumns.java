package io.nommer.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.job.OutputFile;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileJson;
import io.nommer.core.stack.Stack;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON documents kept in TEXT columns: profiles (in their one wire form, {@link ProfileJson}), output files,
 * job metadata and probe results. Written snake_case; unknown properties are ignored on read so that older rows survive newer code.
 */
final class JsonColumns {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<OutputFile>> FILES = new TypeReference<>() {};
    /** Most stored profiles {@link #profile(String)} keeps read; past it, it forgets them all and starts again. */
    static final int PROFILES_KEPT = 256;
    /**
     * Stored profiles already read, by their JSON. A claim reads each task's profile back, and most tasks share a
     * few: reading one took 6% of the service's sampled CPU in the throughput benchmark. A {@link Profile} is
     * immutable, so one can be handed to every caller. Profiles holding a secret (a job's own encryption key) are not
     * kept: they are each one job's, and a key should not outlive its use in memory.
     */
    private static final Map<String, Profile> PROFILES = new ConcurrentHashMap<>();

    private JsonColumns() {}

    static String profile(Profile profile) {
        return ProfileJson.write(profile);
    }

    static Profile profile(String json) {
        Profile known = PROFILES.get(json);
        if (known != null) {
            return known;
        }
        Profile read;
        try {
            read = ProfileJson.readStored(json);
        } catch (IllegalArgumentException e) {
            throw new StoreException("cannot read a stored profile: " + e.getMessage(), e);
        }
        if (Profile.fields().stream().noneMatch(f -> f.secret() && read.has(f))) {
            if (PROFILES.size() >= PROFILES_KEPT) {
                PROFILES.clear();
            }
            PROFILES.put(json, read);
        }
        return read;
    }

    static String files(List<OutputFile> files) {
        return write(files);
    }

    static List<OutputFile> files(String json) {
        return json == null ? List.of() : read(json, FILES);
    }

    static String metadata(Map<String, Object> metadata) {
        return write(metadata == null ? Map.of() : metadata);
    }

    static Map<String, Object> metadata(String json) {
        return json == null ? Map.of() : new LinkedHashMap<>(read(json, MAP));
    }

    static String mediaInfo(MediaInfo info) {
        return write(info);
    }

    static MediaInfo mediaInfo(String json) {
        return json == null ? null : read(json, new TypeReference<MediaInfo>() {});
    }

    /** A worker's stacks, as it reports them. */
    static String stacks(List<Stack> stacks) {
        return write(stacks);
    }

    static List<Stack> stacks(String json) {
        return json == null ? List.of() : read(json, new TypeReference<List<Stack>>() {});
    }

    /** The exact version of each tool a task's stack has, in the stack's order. */
    static String tools(Map<String, String> tools) {
        return write(tools);
    }

    static Map<String, String> tools(String json) {
        return json == null ? Map.of() : read(json, new TypeReference<LinkedHashMap<String, String>>() {});
    }

    /** A cloud's scaling policy, durations in whole seconds. */
    private record StoredPolicy(
            String provider,
            int minWorkers,
            int maxWorkers,
            int slotsPerWorker,
            long scaleUpCooldownSeconds,
            long exitWhenIdleSeconds) {}

    static String scaling(ScalingPolicy p) {
        return p == null
                ? null
                : write(new StoredPolicy(
                        p.provider(),
                        p.minWorkers(),
                        p.maxWorkers(),
                        p.slotsPerWorker(),
                        p.scaleUpCooldown().toSeconds(),
                        p.exitWhenIdle().toSeconds()));
    }

    static ScalingPolicy scaling(String json) {
        if (json == null) {
            return null;
        }
        StoredPolicy p = read(json, new TypeReference<StoredPolicy>() {});
        return new ScalingPolicy(
                p.provider(),
                p.minWorkers(),
                p.maxWorkers(),
                p.slotsPerWorker(),
                Duration.ofSeconds(p.scaleUpCooldownSeconds()),
                Duration.ofSeconds(p.exitWhenIdleSeconds()));
    }

    /** What the scaler last decided for a cloud, times in epoch milliseconds. */
    private record StoredStatus(
            int desired,
            int current,
            String reason,
            Long decidedAt,
            Long lastScaleUp,
            String scaler,
            long decisions,
            long started,
            long stopped) {}

    static String scalingStatus(ScalingStatus s) {
        return s == null
                ? null
                : write(new StoredStatus(
                        s.desired(),
                        s.current(),
                        s.reason(),
                        millis(s.decidedAt()),
                        millis(s.lastScaleUp()),
                        s.scaler(),
                        s.decisions(),
                        s.started(),
                        s.stopped()));
    }

    static ScalingStatus scalingStatus(String json) {
        if (json == null) {
            return null;
        }
        StoredStatus s = read(json, new TypeReference<StoredStatus>() {});
        return new ScalingStatus(
                s.desired(),
                s.current(),
                s.reason(),
                instant(s.decidedAt()),
                instant(s.lastScaleUp()),
                s.scaler(),
                s.decisions(),
                s.started(),
                s.stopped());
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException(
                    "cannot read stored JSON as " + type.getType().getTypeName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
