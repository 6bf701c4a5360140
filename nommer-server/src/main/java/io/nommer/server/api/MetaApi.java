package io.nommer.server.api;

import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /v1/} index, the OpenAPI document and {@code /healthz}. */
public final class MetaApi {
    private final byte[] openapi;

    public MetaApi() {
        this.openapi = openapiDocument();
    }

    /** The OpenAPI document shipped with the server. */
    public static byte[] openapiDocument() {
        try (InputStream in = MetaApi.class.getResourceAsStream("/io/nommer/server/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the server's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(Router r) {
        r.add("GET", "/v1/openapi.yaml", req -> Response.bytes(200, "application/yaml", openapi));
        r.add("GET", "/v1/", req -> {
            Map<String, Object> m = new LinkedHashMap<>();
            String b = req.baseUrl();
            m.put("openapi", b + "/v1/openapi.yaml");
            m.put("jobs", b + "/v1/jobs");
            m.put("uploads", b + "/v1/uploads");
            m.put("profiles", b + "/v1/profiles");
            m.put("presets", b + "/v1/presets");
            m.put("capabilities", b + "/v1/capabilities");
            return Response.ok(m);
        });
        r.add("GET", "/healthz", req -> Response.ok(Map.of("status", "ok")));
    }
}
