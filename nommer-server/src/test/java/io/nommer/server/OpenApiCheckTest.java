package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAPI check refuses what the document does not describe, so that its silence in other tests means something. */
class OpenApiCheckTest {
    private static final URI CLOUD = URI.create("http://127.0.0.1/v1/clouds/gpu");

    private static HttpHeaders headers(String contentType) {
        return HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (a, b) -> true);
    }

    private static List<String> check(int status, String contentType, String body) {
        OpenApiCheck check = new OpenApiCheck();
        check.record("GET", CLOUD, Map.of(), null, status, headers(contentType), body.getBytes(StandardCharsets.UTF_8));
        return check.violations();
    }

    @Test
    void aDocumentedAnswer_passes() {
        assertThat(check(
                        200,
                        "application/json",
                        "{\"name\":\"gpu\",\"priority\":10,"
                                + "\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\"}"))
                .isEmpty();
    }

    @Test
    void anUndocumentedProperty_aWrongType_anUndocumentedStatusOrAnIncompleteProblem_areCaught() {
        assertThat(check(200, "application/json", "{\"name\":\"gpu\",\"priority\":10,\"weight\":3}"))
                .singleElement()
                .asString()
                .contains("weight");
        assertThat(check(200, "application/json", "{\"name\":\"gpu\",\"priority\":\"high\"}"))
                .singleElement()
                .asString()
                .contains("string found, integer expected");
        assertThat(check(418, "application/json", "{}")).isNotEmpty();
        assertThat(check(404, "application/problem+json", "{\"type\":\"x\",\"title\":\"Not Found\",\"status\":404}"))
                .singleElement()
                .asString()
                .contains("code");
    }
}
