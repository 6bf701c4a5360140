package io.nommer.server.api;

import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/** {@code /v1/} index, the OpenAPI document and {@code /healthz}. */
public final class MetaApi {
    private static final String OPENAPI = "/io/nommer/server/openapi.yaml";
    private final URI openapi;

    public MetaApi() {
        this.openapi = openapiDocument();
    }

    /** Where the OpenAPI document shipped with the server is (a class-path resource). */
    public static URI openapiDocument() {
        try {
            URL url = MetaApi.class.getResource(OPENAPI);
            if (url == null) {
                throw new IllegalStateException("openapi.yaml is missing from the server's resources");
            }
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the API's collections are. */
    record Index(String openapi, String jobs, String uploads, String profiles, String presets, String capabilities) {}

    record Health(String status) {}

    public void register(Router r) {
        r.add("GET", "/v1/openapi.yaml", Access.PUBLIC, req -> Response.file(openapi, "application/yaml"));
        r.add("GET", "/v1/", Access.PUBLIC, req -> {
            String b = req.baseUrl() + "/v1/";
            return Response.ok(new Index(
                    b + "openapi.yaml", b + "jobs", b + "uploads", b + "profiles", b + "presets", b + "capabilities"));
        });
        r.add("GET", "/healthz", Access.PUBLIC, req -> Response.ok(new Health("ok")));
    }
}
