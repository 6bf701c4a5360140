package io.nommer.server.api;

import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@code /v1/presets} and {@code /v1/capabilities}: what this installation can encode. */
public final class ToolchainApi {
    private final Supplier<Map<String, Object>> ffmpegReport;
    private final Function<Profile, List<String>> missing;
    private final boolean s3;

    /**
     * @param ffmpegReport the ffmpeg in use: path, version, relevant encoders, muxers, filters
     * @param missing what a profile needs that this ffmpeg lacks (empty when it can run)
     * @param s3 whether S3 storage is configured
     */
    public ToolchainApi(Supplier<Map<String, Object>> ffmpegReport, Function<Profile, List<String>> missing,
            boolean s3) {
        this.ffmpegReport = ffmpegReport;
        this.missing = missing;
        this.s3 = s3;
    }

    public void register(Router r) {
        r.add("GET", "/v1/presets", req -> Response.ok(Map.of("presets",
                Presets.all().entrySet().stream().map(e -> preset(e.getKey(), e.getValue())).toList())));
        r.add("GET", "/v1/presets/{name}", req -> {
            String name = req.path("name");
            Profile p = Presets.find(name).orElseThrow(() -> ApiException.notFound("preset " + name));
            return Response.ok(preset(name, p));
        });
        r.add("GET", "/v1/capabilities", req -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ffmpeg", ffmpegReport.get());
            Map<String, Object> presets = new LinkedHashMap<>();
            Presets.all().forEach((name, p) -> {
                List<String> lacks = missing.apply(p);
                presets.put(name, lacks.isEmpty() ? Map.of("runnable", true)
                        : Map.of("runnable", false, "missing", lacks));
            });
            m.put("presets", presets);
            m.put("input_schemes", s3 ? List.of("upload", "file", "http", "https", "s3")
                    : List.of("upload", "file", "http", "https"));
            m.put("output_schemes", s3 ? List.of("file", "s3") : List.of("file"));
            return Response.ok(m);
        });
    }

    private Map<String, Object> preset(String name, Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        List<String> lacks = missing.apply(p);
        m.put("runnable", lacks.isEmpty());
        if (!lacks.isEmpty()) {
            m.put("missing", lacks);
        }
        m.put("profile", p.toFields());
        return m;
    }
}
