package io.nommer.server.api;

import static io.nommer.server.api.Json.time;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.service.NotFoundException;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/** {@code /v1/keys} and {@code /v1/tenants}: the admin's API for tenants and their API keys. */
public final class KeysApi {
    private final ApiKeys keys;

    public KeysApi(ApiKeys keys) {
        this.keys = keys;
    }

    /**
     * A key as listed: never its secret. {@code key} is the token itself, present only in the answer that created
     * it.
     */
    record KeyView(
            String id,
            String tenant,
            String role,
            String description,
            String createdAt,
            String expiresAt,
            String revokedAt,
            String lastUsedAt,
            String key) {}

    record Keys(List<KeyView> keys) {}

    record TenantView(String name, String createdAt) {}

    record Tenants(List<TenantView> tenants) {}

    public void register(Router r) {
        r.add(
                "GET",
                "/v1/keys",
                Access.ADMIN,
                req -> Response.ok(new Keys(keys.list(tenantQuery(req)).stream()
                        .map(k -> view(k, null))
                        .toList())));
        r.add("POST", "/v1/keys", Access.ADMIN, this::create);
        r.add(
                "DELETE",
                "/v1/keys/{id}",
                Access.ADMIN,
                req -> Response.ok(view(
                        keys.revoke(req.path("id")).orElseThrow(() -> new NotFoundException("key " + req.path("id"))),
                        null)));
        r.add(
                "GET",
                "/v1/tenants",
                Access.ADMIN,
                req -> Response.ok(
                        new Tenants(keys.tenants().stream().map(KeysApi::view).toList())));
        r.add("POST", "/v1/tenants", Access.ADMIN, req -> {
            JsonNode body = req.jsonObject(4096);
            Fields.onlyKnown(body, Set.of("name"), "");
            return Response.json(
                    201, view(keys.tenant(tenantName(body.path("name").asText(null), "name"))));
        });
    }

    private Response create(Request req) {
        JsonNode body = req.jsonObject(4096);
        Fields.onlyKnown(body, Set.of("tenant", "role", "description", "expires_at"), "");
        String tenant = tenantName(body.path("tenant").asText(null), "tenant");
        Role role;
        try {
            role = Role.parse(body.path("role").asText("tenant"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("role", e.getMessage());
        }
        String description =
                body.hasNonNull("description") ? body.get("description").asText() : null;
        if (description != null && description.length() > 200) {
            throw ApiException.invalid("description", "description is at most 200 characters");
        }
        Instant expires = null;
        if (body.hasNonNull("expires_at")) {
            try {
                expires = Instant.parse(body.get("expires_at").asText());
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("expires_at", "expires_at must be a time such as 2027-01-31T00:00:00Z");
            }
        }
        ApiKeys.Created created = keys.create(tenant, role, description, expires);
        return Response.json(201, view(created.key(), created.token()))
                .header("Location", "/v1/keys/" + created.key().id());
    }

    private static String tenantQuery(Request req) {
        String t = req.query("tenant");
        return t == null ? null : tenantName(t, "tenant");
    }

    private static String tenantName(String name, String field) {
        if (name == null || !ApiKeys.TENANT_NAME.matcher(name).matches()) {
            throw ApiException.invalid(
                    field,
                    field + " must be 1-64 of a-z, 0-9, '_', '-', starting with a letter or " + "digit, not '" + name
                            + "'");
        }
        return name;
    }

    static KeyView view(ApiKey k, String token) {
        return new KeyView(
                k.id(),
                k.tenant(),
                k.role().wireName(),
                k.description(),
                time(k.createdAt()),
                time(k.expiresAt()),
                time(k.revokedAt()),
                time(k.lastUsedAt()),
                token);
    }

    private static TenantView view(ApiKeys.Tenant t) {
        return new TenantView(t.name(), time(t.createdAt()));
    }
}
