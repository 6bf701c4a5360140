package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.service.FleetService;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.util.List;
import java.util.Set;

/** {@code /v1/clouds} (pools of workers with a priority) and {@code /v1/workers} (who is working, as last reported). */
public final class CloudsApi {
    private final FleetService fleet;

    public CloudsApi(FleetService fleet) {
        this.fleet = fleet;
    }

    public void register(Router r) {
        r.add(
                "GET",
                "/v1/clouds",
                Access.ADMIN,
                req -> Response.ok(
                        new Clouds(fleet.clouds().stream().map(CloudsApi::cloud).toList())));
        r.add("GET", "/v1/clouds/{name}", Access.ADMIN, req -> Response.ok(cloud(fleet.cloud(req.path("name")))));
        r.add("PUT", "/v1/clouds/{name}", Access.ADMIN, this::put);
        r.add("DELETE", "/v1/clouds/{name}", Access.ADMIN, req -> {
            fleet.deleteCloud(req.path("name"));
            return Response.noContent();
        });
        r.add(
                "GET",
                "/v1/workers",
                Access.ADMIN,
                req -> Response.ok(new Workers(
                        fleet.workers().stream().map(CloudsApi::worker).toList())));
    }

    private Response put(Request req) {
        String name = req.path("name");
        FleetService.requireCloudName(name);
        JsonNode body = req.jsonObject(4096);
        Fields.onlyKnown(body, Set.of("priority", "price_per_core_hour"), "");
        Long priority = null;
        JsonNode p = body.get("priority");
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToLong()) {
                throw ApiException.invalid("priority", FleetService.PRIORITY_RULE);
            }
            priority = p.asLong();
        }
        Double price = null;
        JsonNode pr = body.get("price_per_core_hour");
        if (pr != null && !pr.isNull()) {
            if (!pr.isNumber()) {
                throw ApiException.invalid("price_per_core_hour", FleetService.PRICE_RULE);
            }
            price = pr.asDouble();
        }
        FleetService.PutCloud put = fleet.putCloud(name, priority, price);
        return Response.json(put.created() ? 201 : 200, cloud(put.cloud())).header("Location", "/v1/clouds/" + name);
    }

    /** @param pricePerCoreHour null when unknown (0 is stored) */
    record CloudView(String name, int priority, Double pricePerCoreHour, String createdAt, String updatedAt) {}

    record Clouds(List<CloudView> clouds) {}

    /** What a worker last reported, for operators. */
    record WorkerView(
            String id,
            String host,
            List<String> clouds,
            int slots,
            int active,
            String encoder,
            List<String> stacks,
            String startedAt,
            String lastSeen) {}

    record Workers(List<WorkerView> workers) {}

    private static CloudView cloud(Cloud c) {
        return new CloudView(
                c.name(),
                c.priority(),
                c.pricePerCoreHour() > 0 ? c.pricePerCoreHour() : null,
                Json.time(c.createdAt()),
                Json.time(c.updatedAt()));
    }

    private static WorkerView worker(WorkerStatus w) {
        return new WorkerView(
                w.id(),
                w.host(),
                w.clouds(),
                w.slots(),
                w.active(),
                w.encoder(),
                w.stacks().stream().map(io.nommer.core.stack.Stack::name).toList(),
                Json.time(w.startedAt()),
                Json.time(w.lastSeen()));
    }
}
