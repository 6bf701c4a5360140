package io.nommer.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.OutputFile;
import io.nommer.core.profile.StoredProfile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The API's JSON shapes. One place renders jobs, so webhooks and responses agree. */
public final class Json {
    private Json() {}

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * @param baseUrl {@code http://host:port} for the download links, as the client reached us
     */
    public static Map<String, Object> job(Job job, String baseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("state", job.state().wireName());
        m.put("progress", round1(job.progress()));
        m.put("priority", job.priority().wireName());
        m.put("cloud", job.cloud());
        m.put("input", job.input());
        if (job.inputInfo() != null) {
            m.put("input_info", mediaInfo(job.inputInfo()));
        }
        m.put("metadata", job.metadata());
        if (job.notifyUrl() != null) {
            m.put("notify_url", job.notifyUrl());
        }
        m.put("created_at", time(job.createdAt()));
        m.put("started_at", time(job.startedAt()));
        m.put("finished_at", time(job.finishedAt()));
        m.put("updated_at", time(job.updatedAt()));
        double cpu = job.tasks().stream().mapToDouble(Task::cpuSeconds).sum();
        m.put("cpu_seconds", round3(cpu));
        List<Object> outputs = new ArrayList<>();
        for (Task t : job.tasks()) {
            if (!t.isPart()) {
                outputs.add(output(job, t, baseUrl));
            }
        }
        m.put("outputs", outputs);
        m.put("links", links(job.id(), baseUrl));
        return m;
    }

    /** A job's own links: itself, its timeline, and its cancel and retry actions. */
    public static Map<String, String> links(String jobId, String baseUrl) {
        String self = baseUrl + "/v1/jobs/" + jobId;
        // why: in a fixed order; Map.of iterates in an order that changes from one JVM to the next
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", self);
        links.put("events", self + "/events");
        links.put("cancel", self + "/cancel");
        links.put("retry", self + "/retry");
        return links;
    }

    private static Map<String, Object> output(Job job, Task t, String baseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("preset", t.preset());
        m.put("state", t.state().wireName());
        m.put("progress", round1(t.progress()));
        m.put("attempt", t.attempt());
        m.put("max_attempts", t.maxAttempts());
        m.put("cpu_seconds", round3(t.cpuSeconds()));
        if (t.destination() != null) {
            m.put("destination", t.destination());
        }
        m.put("started_at", time(t.startedAt()));
        m.put("finished_at", time(t.finishedAt()));
        List<Object> files = new ArrayList<>();
        for (OutputFile f : t.files()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("name", f.name());
            fm.put("uri", f.uri());
            fm.put("url", baseUrl + "/v1/jobs/" + job.id() + "/outputs/" + enc(t.name()) + "/files/" + enc(f.name()));
            fm.put("size", f.size());
            fm.put("role", f.role());
            fm.put("duration", f.duration() == null ? null : round3(f.duration()));
            fm.put("width", f.width());
            fm.put("height", f.height());
            files.add(fm);
        }
        m.put("files", files);
        if (t.parts() > 0) {
            // a ladder spread over workers: its renditions' own tasks, before this one packages them
            List<Object> parts = new ArrayList<>();
            for (Task p : job.tasks()) {
                if (p.isPart() && p.name().equals(t.name())) {
                    Map<String, Object> pm = new LinkedHashMap<>();
                    pm.put("rendition", p.part());
                    pm.put("state", p.state().wireName());
                    pm.put("progress", round1(p.progress()));
                    pm.put("attempt", p.attempt());
                    pm.put("cpu_seconds", round3(p.cpuSeconds()));
                    if (p.errorCode() != null) {
                        Map<String, Object> error = new LinkedHashMap<>();
                        error.put("code", p.errorCode());
                        error.put("message", String.valueOf(p.errorMessage()));
                        pm.put("error", error);
                    }
                    parts.add(pm);
                }
            }
            m.put("parts", parts);
        }
        if (t.errorCode() != null) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("code", t.errorCode());
            err.put("message", t.errorMessage());
            err.put("log_tail", t.logTail());
            m.put("error", err);
        }
        Map<String, Object> profile = redacted(t.profile().toFields());
        m.put("profile", profile);
        if (Boolean.TRUE.equals(profile.get("encryption"))) {
            m.put("key_url", baseUrl + "/v1/jobs/" + job.id() + "/outputs/" + enc(t.name()) + "/key");
        }
        return m;
    }

    public static Map<String, Object> mediaInfo(MediaInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("container", info.demuxer());
        m.put("format_name", info.formatName());
        m.put("duration", info.duration() == null ? null : round3(info.duration()));
        m.put("bitrate", info.bitrate());
        m.put("size", info.size());
        List<Object> streams = new ArrayList<>();
        for (StreamInfo s : info.streams()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("index", s.index());
            sm.put("type", s.type());
            sm.put("codec", s.codec());
            sm.put("width", s.width());
            sm.put("height", s.height());
            sm.put("fps", s.fps() == null ? null : round3(s.fps()));
            sm.put("bitrate", s.bitrate());
            sm.put("sample_rate", s.sampleRate());
            sm.put("channels", s.channels());
            sm.put("duration", s.duration() == null ? null : round3(s.duration()));
            if (s.rotation() != 0) {
                sm.put("rotation", s.rotation());
            }
            streams.add(sm);
        }
        m.put("streams", streams);
        return m;
    }

    public static Map<String, Object> event(JobEvent e, Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("at", time(e.at()));
        m.put("type", e.type());
        if (e.taskId() != null && job != null) {
            job.tasks().stream().filter(t -> t.id().equals(e.taskId())).findFirst()
                    .ifPresent(t -> m.put("output", t.name()));
        }
        m.put("message", e.message());
        return m;
    }

    public static Map<String, Object> profile(StoredProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        if (p.preset() != null) {
            m.put("preset", p.preset());
        }
        m.putAll(redacted(p.fields().toFields()));
        m.put("created_at", time(p.createdAt()));
        m.put("updated_at", time(p.updatedAt()));
        return m;
    }

    /** The profile field holding an AES key: never rendered; the key is served only by the key endpoint. */
    static final String ENCRYPTION_KEY = "encryption_key";

    private static Map<String, Object> redacted(Map<String, Object> fields) {
        if (!fields.containsKey(ENCRYPTION_KEY)) {
            return fields;
        }
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.remove(ENCRYPTION_KEY);
        return m;
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
