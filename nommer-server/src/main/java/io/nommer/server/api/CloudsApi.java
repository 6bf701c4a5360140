package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.service.FleetService;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /v1/clouds} (pools of workers with a priority) and {@code /v1/workers} (who is working, as last reported). */
public final class CloudsApi {
    private final FleetService fleet;

    public CloudsApi(FleetService fleet) {
        this.fleet = fleet;
    }

    public void register(Router r) {
        r.add("GET", "/v1/clouds", req -> Response.ok(Map.of("clouds",
                fleet.clouds().stream().map(CloudsApi::cloud).toList())));
        r.add("GET", "/v1/clouds/{name}", req -> Response.ok(cloud(fleet.cloud(req.path("name")))));
        r.add("PUT", "/v1/clouds/{name}", this::put);
        r.add("DELETE", "/v1/clouds/{name}", req -> {
            fleet.deleteCloud(req.path("name"));
            return Response.noContent();
        });
        r.add("GET", "/v1/workers", req -> Response.ok(Map.of("workers",
                fleet.workers().stream().map(CloudsApi::worker).toList())));
    }

    private Response put(Request req) {
        String name = req.path("name");
        FleetService.requireCloudName(name);
        JsonNode body = req.jsonObject(4096);
        Fields.onlyKnown(body, Set.of("priority"), "");
        JsonNode p = body.get("priority");
        long priority = 0;
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToLong()) {
                throw ApiException.invalid("priority", FleetService.PRIORITY_RULE);
            }
            priority = p.asLong();
        }
        FleetService.PutCloud put = fleet.putCloud(name, priority);
        return Response.json(put.created() ? 201 : 200, cloud(put.cloud())).header("Location", "/v1/clouds/" + name);
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
