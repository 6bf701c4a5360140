package io.nommer.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.List;

/**
 * The parts of the API's answers the command shows, as typed values. Read leniently: a newer server may add fields,
 * and {@code --json} passes the answers on whole.
 */
final class Views {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Views() {}

    /** Reads JSON leniently into the records below (and into trees). */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    static <T> T read(JsonNode json, Class<T> type) {
        try {
            return MAPPER.treeToValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unexpected answer from the server: " + e.getOriginalMessage(), e);
        }
    }

    record Job(
            String id,
            String state,
            double progress,
            String cloud,
            String input,
            MediaInfo inputInfo,
            String createdAt,
            String startedAt,
            String finishedAt,
            double cpuSeconds,
            List<Output> outputs) {
        Job {
            outputs = outputs == null ? List.of() : outputs;
        }

        boolean finished() {
            return Views.finished(state);
        }
    }

    record MediaInfo(Double duration) {}

    record Output(
            String name,
            String preset,
            String state,
            double progress,
            int attempt,
            int maxAttempts,
            double cpuSeconds,
            String destination,
            String startedAt,
            String finishedAt,
            List<OutputFile> files,
            Failure error,
            Profile profile,
            String waitingForStack) {
        Output {
            files = files == null ? List.of() : files;
        }

        /** An output that waits for no stack. */
        Output(
                String name,
                String preset,
                String state,
                double progress,
                int attempt,
                int maxAttempts,
                double cpuSeconds,
                String destination,
                String startedAt,
                String finishedAt,
                List<OutputFile> files,
                Failure error,
                Profile profile) {
            this(
                    name,
                    preset,
                    state,
                    progress,
                    attempt,
                    maxAttempts,
                    cpuSeconds,
                    destination,
                    startedAt,
                    finishedAt,
                    files,
                    error,
                    profile,
                    null);
        }

        /** The name, with the preset when it differs ({@code small (mp4-h264)}). */
        String label() {
            return preset == null || preset.equals(name) ? name : name + " (" + preset + ")";
        }
    }

    /** The profile fields that say how long an output lasts. */
    record Profile(Double clipOffset, Double clipLength) {}

    record OutputFile(String name, String uri, String url, long size, String role) {}

    record Failure(String code, String message, String logTail) {}

    record Preset(String name, boolean runnable, List<String> missing, JsonNode profile) {
        Preset {
            missing = missing == null ? List.of() : missing;
        }
    }

    /** @param pricePerCoreHour null when unknown */
    record Cloud(String name, int priority, Double pricePerCoreHour) {}

    record Worker(String id, String host, List<String> clouds, int slots, int active, String encoder, String lastSeen) {
        Worker {
            clouds = clouds == null ? List.of() : clouds;
        }
    }

    /** An API time, or null. */
    static Instant time(String iso) {
        return iso == null ? null : Instant.parse(iso);
    }

    /** Whether a job or output state is final. */
    static boolean finished(String state) {
        return state.equals("succeeded") || state.equals("failed") || state.equals("cancelled");
    }
}
