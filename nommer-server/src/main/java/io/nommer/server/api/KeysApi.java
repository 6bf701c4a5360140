package io.nommer.server.api;

import static io.nommer.server.api.Json.time;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.service.NotFoundException;
import io.nommer.core.service.TenantService;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/keys} and {@code /v1/tenants}: the admin's API for tenants, their API keys and their limits (a tenant's
 * own keys may read its own tenant's limits and usage).
 */
public final class KeysApi {
    private final ApiKeys keys;
    private final TenantService tenants;

    public KeysApi(ApiKeys keys, TenantService tenants) {
        this.keys = keys;
        this.tenants = tenants;
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

    /**
     * A tenant with its limits: {@code limits} as set for it (a limit it does not set is absent: the default applies),
     * {@code effective_limits} in force (every limit, a number or {@code unlimited}), and what it uses now.
     */
    record TenantDetail(
            String name,
            String createdAt,
            Map<String, Object> limits,
            Map<String, Object> effectiveLimits,
            UsageView usage) {}

    record UsageView(long runningTasks, long queuedJobs, long uploadsLastDay) {}

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
        r.add("GET", "/v1/tenants/{name}", Access.TENANT, req -> {
            String name = req.path("name");
            if (!req.principal().sees(name)
                    || !ApiKeys.TENANT_NAME.matcher(name).matches()) {
                // why: another tenant's name is answered as an unknown one (never 403, which would confirm it)
                throw new NotFoundException("tenant " + name);
            }
            return Response.ok(detail(tenants.find(name)));
        });
        r.add("PUT", "/v1/tenants/{name}", Access.ADMIN, this::putLimits);
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

    /** {@code {"limits": {"max_running_tasks": 4, "max_input_bytes": "unlimited", ...}}}: replaces the tenant's own. */
    private Response putLimits(Request req) {
        String name = tenantName(req.path("name"), "name");
        JsonNode body = req.jsonObject(4096);
        Fields.onlyKnown(body, Set.of("limits"), "");
        JsonNode given = body.path("limits");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            throw ApiException.invalid("limits", "limits must be an object of limits by name");
        }
        TenantLimits limits = TenantLimits.NONE;
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            String field = "limits." + e.getKey();
            TenantLimit limit;
            try {
                limit = TenantLimit.parse(e.getKey());
            } catch (IllegalArgumentException x) {
                throw ApiException.invalid(field, x.getMessage());
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!(v.isIntegralNumber() && v.canConvertToLong()) && !v.isTextual()) {
                throw ApiException.invalid(
                        field, limit.wireName() + " must be a whole number of at least 0, \"unlimited\" or null");
            }
            try {
                limits = limits.with(limit, TenantLimits.parseValue(limit, v.asText()));
            } catch (IllegalArgumentException x) {
                throw ApiException.invalid(field, x.getMessage());
            }
        }
        boolean created = !tenants.exists(name);
        return Response.json(created ? 201 : 200, detail(tenants.setLimits(name, limits)));
    }

    private static TenantDetail detail(TenantService.Tenant t) {
        Map<String, Object> own = new LinkedHashMap<>();
        Map<String, Object> effective = new LinkedHashMap<>();
        for (TenantLimit l : TenantLimit.values()) {
            if (t.own().get(l) != null) {
                own.put(l.wireName(), TenantLimits.show(t.own().get(l)));
            }
            effective.put(l.wireName(), TenantLimits.show(t.effective().effective(l)));
        }
        TenantService.Usage u = t.usage();
        return new TenantDetail(
                t.tenant().name(),
                time(t.tenant().createdAt()),
                own,
                effective,
                new UsageView(u.runningTasks(), u.queuedJobs(), u.uploadsLastDay()));
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
