package io.nommer.server.api;

import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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

    /** Where the API's collections are. */
    record Index(String openapi, String jobs, String uploads, String profiles, String presets, String capabilities) {}

    record Health(String status) {}

    public void register(Router r) {
        r.add("GET", "/v1/openapi.yaml", req -> Response.bytes(200, "application/yaml", openapi));
        r.add("GET", "/v1/", req -> {
            String b = req.baseUrl() + "/v1/";
            return Response.ok(new Index(b + "openapi.yaml", b + "jobs", b + "uploads", b + "profiles", b + "presets",
                    b + "capabilities"));
        });
        r.add("GET", "/healthz", req -> Response.ok(new Health("ok")));
    }
}
