package io.nommer.server;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolverFactory;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import io.nommer.server.api.MetaApi;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks real requests and responses against the OpenAPI document the server ships, with Atlassian's validator: the
 * path and method exist, parameters and JSON bodies match their schemas, and every status and content type answered
 * is documented. Tests record every exchange here and assert at the end that none broke the document.
 */
final class OpenApiCheck {
    private static final OpenApiInteractionValidator VALIDATOR = validator();
    /** Report keys that mean the request named no documented operation: nothing to check it against. */
    private static final Set<String> NO_OPERATION =
            Set.of("validation.request.path.missing", "validation.request.operation.notAllowed");

    /**
     * Paths whose requests are only checked by their answers: media-nommer's {@code /job/submit} takes a JSON text
     * labelled {@code application/x-www-form-urlencoded} (what its client sends), which OpenAPI cannot describe: the
     * validator reads a form body as form fields, so the document gives the body as a string and its JSON schema under
     * {@code application/json}, and the tests check the answers.
     */
    private static final Set<String> FORM_TYPED_JSON = Set.of("/job/submit", "/job/submit/");

    private static OpenApiInteractionValidator validator() {
        // why: the validator would close every object schema itself (additionalProperties: false), which refuses
        // what the parts of an allOf document; the document closes its objects with unevaluatedProperties instead,
        // which JSON Schema 2020-12 (OpenAPI 3.1) evaluates across allOf
        return OpenApiInteractionValidator.createForSpecificationUrl(
                        MetaApi.openapiDocument().toString())
                .withLevelResolver(LevelResolverFactory.withAdditionalPropertiesIgnored())
                .build();
    }

    private final List<String> violations = new CopyOnWriteArrayList<>();

    /**
     * Validates one exchange; {@code uri} is the full request URI. A request the server refused (4xx) is meant to
     * break the document, so then only the answer is checked (as for {@link #FORM_TYPED_JSON}); HEAD (answered as GET without a body) and requests for
     * paths or methods the API does not have are not checked.
     */
    void record(
            String method,
            URI uri,
            Map<String, String> requestHeaders,
            byte[] requestBody,
            int status,
            HttpHeaders responseHeaders,
            byte[] responseBody) {
        if (method.equals("HEAD")) {
            return;
        }
        Request request = request(method, uri, requestHeaders, requestBody);
        SimpleResponse response = response(status, responseHeaders, responseBody);
        ValidationReport report = status >= 400 && status < 500 || FORM_TYPED_JSON.contains(uri.getRawPath())
                ? VALIDATOR.validateResponse(uri.getRawPath(), Request.Method.valueOf(method), response)
                : VALIDATOR.validate(request, response);
        if (report.getMessages().stream().anyMatch(m -> NO_OPERATION.contains(m.getKey()))) {
            return;
        }
        if (report.hasErrors()) {
            violations.add(method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " -> " + status + ":\n"
                    + SimpleValidationReportFormat.getInstance().apply(report));
        }
    }

    /** Every exchange that broke the document, described; empty when all kept to it. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    private static Request request(String method, URI uri, Map<String, String> headers, byte[] body) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, uri.getRawPath());
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                b.withQueryParam(name, value);
            }
        }
        headers.forEach(b::withHeader);
        if (body != null && body.length > 0) {
            b.withBody(body);
        }
        return b.build();
    }

    private static SimpleResponse response(int status, HttpHeaders headers, byte[] body) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(status);
        headers.map().forEach((name, values) -> b.withHeader(name, values));
        if (body != null && body.length > 0) {
            b.withBody(body);
        }
        return b.build();
    }
}
