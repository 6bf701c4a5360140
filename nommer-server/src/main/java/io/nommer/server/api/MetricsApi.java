package io.nommer.server.api;

import io.nommer.core.auth.Principal;
import io.nommer.server.auth.KeyAuthenticator;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import io.nommer.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: Prometheus' scrape. With authentication off (loopback) anyone on the machine may read it, as
 * the rest of the API; with keys required, an admin key or the {@code metrics_token} setting's token (a bearer token
 * that reads nothing else, for Prometheus' {@code authorization} block).
 */
public final class MetricsApi {
    private final ServerMetrics metrics;
    /** Null when no metrics_token is set. */
    private final byte[] token;

    /** @param token the {@code metrics_token} setting, or null */
    public MetricsApi(ServerMetrics metrics, String token) {
        this.metrics = metrics;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public void register(Router r) {
        r.add("GET", "/metrics", Access.PUBLIC, req -> {
            allow(req.principal(), req.header("Authorization"));
            String type = ServerMetrics.contentType(req.header("Accept"));
            return Response.bytes(200, type, metrics.scrape(type).getBytes(StandardCharsets.UTF_8))
                    .header("Cache-Control", "no-store");
        });
    }

    private void allow(Principal principal, String authorization) {
        if (principal != null && principal.admin()) {
            return;
        }
        String bearer = KeyAuthenticator.bearer(authorization);
        // why: compared in constant time, as API keys are
        if (token != null && bearer != null && MessageDigest.isEqual(token, bearer.getBytes(StandardCharsets.UTF_8))) {
            return;
        }
        if (principal != null) {
            throw new ApiException(
                    403,
                    "forbidden",
                    "/metrics needs an admin key or the metrics_token; " + principal.keyId() + " is a key of tenant "
                            + principal.tenant());
        }
        throw new ApiException(
                401,
                "unauthorized",
                bearer == null
                        ? "/metrics needs an admin key or the metrics_token: send 'Authorization: Bearer <token>'"
                        : "the token is neither a valid admin key nor the metrics_token");
    }
}
