package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.store.Cloud;
import io.nommer.core.store.Store;
import io.nommer.core.store.WorkerStatus;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /v1/clouds} (pools of workers with a priority) and {@code /v1/workers} (who is working, as last reported). */
public final class CloudsApi {
    /** A worker that has not reported for this long is gone (it reports every second). */
    static final Duration WORKER_SEEN_WITHIN = Duration.ofMinutes(1);

    private final Store store;

    public CloudsApi(Store store) {
        this.store = store;
    }

    public void register(Router r) {
        r.add("GET", "/v1/clouds", req -> Response.ok(Map.of("clouds",
                store.listClouds().stream().map(CloudsApi::cloud).toList())));
        r.add("GET", "/v1/clouds/{name}", req -> Response.ok(cloud(store.findCloud(req.path("name"))
                .orElseThrow(() -> ApiException.notFound("cloud " + req.path("name"))))));
        r.add("PUT", "/v1/clouds/{name}", this::put);
        r.add("DELETE", "/v1/clouds/{name}", this::delete);
        r.add("GET", "/v1/workers", req -> Response.ok(Map.of("workers",
                store.listWorkers(WORKER_SEEN_WITHIN).stream().map(CloudsApi::worker).toList())));
    }

    private Response put(Request req) {
        String name = req.path("name");
        if (!Cloud.validName(name)) {
            throw ApiException.invalid("name", "cloud names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a "
                    + "letter or digit");
        }
        JsonNode body = req.jsonObject(4096);
        Fields.onlyKnown(body, Set.of("priority"), "");
        JsonNode p = body.get("priority");
        int priority = 0;
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || p.asInt() < Cloud.MIN_PRIORITY || p.asInt() > Cloud.MAX_PRIORITY) {
                throw ApiException.invalid("priority", "priority must be a whole number from " + Cloud.MIN_PRIORITY
                        + " to " + Cloud.MAX_PRIORITY + " (higher is claimed first)");
            }
            priority = p.asInt();
        }
        boolean existed = store.findCloud(name).isPresent();
        Cloud c = store.putCloud(name, priority);
        return Response.json(existed ? 200 : 201, cloud(c)).header("Location", "/v1/clouds/" + name);
    }

    private Response delete(Request req) {
        String name = req.path("name");
        try {
            if (!store.deleteCloud(name)) {
                throw ApiException.notFound("cloud " + name);
            }
        } catch (IllegalStateException e) {
            throw new ApiException(409, "cloud_in_use", "cloud " + name + " cannot be deleted: " + e.getMessage());
        }
        return Response.noContent();
    }

    private static Map<String, Object> cloud(Cloud c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("priority", c.priority());
        m.put("created_at", Json.time(c.createdAt()));
        m.put("updated_at", Json.time(c.updatedAt()));
        return m;
    }

    private static Map<String, Object> worker(WorkerStatus w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("host", w.host());
        m.put("clouds", w.clouds());
        m.put("slots", w.slots());
        m.put("active", w.active());
        m.put("encoder", w.encoder());
        m.put("started_at", Json.time(w.startedAt()));
        m.put("last_seen", Json.time(w.lastSeen()));
        return m;
    }
}
