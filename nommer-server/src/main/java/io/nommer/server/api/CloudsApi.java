package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.service.FleetService;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.time.Duration;
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
        Fields.onlyKnown(body, Set.of("priority", "price_per_core_hour", "scaling"), "");
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
        ScalingPolicy scaling = body.hasNonNull("scaling") ? scaling(body.get("scaling")) : null;
        FleetService.PutCloud put =
                fleet.putCloud(name, new FleetService.CloudChange(priority, price, body.has("scaling"), scaling));
        return Response.json(put.created() ? 201 : 200, cloud(put.cloud())).header("Location", "/v1/clouds/" + name);
    }

    /** The fields of a {@code scaling} object, all required, in the order a missing one is named. */
    private static final List<String> SCALING_FIELDS = List.of(
            "provider",
            "min_workers",
            "max_workers",
            "slots_per_worker",
            "scale_up_cooldown_seconds",
            "exit_when_idle_seconds");

    /** A scaling policy as the API reads and writes it. */
    record ScalingView(
            String provider,
            int minWorkers,
            int maxWorkers,
            int slotsPerWorker,
            long scaleUpCooldownSeconds,
            long exitWhenIdleSeconds) {
        static ScalingView of(ScalingPolicy p) {
            return p == null
                    ? null
                    : new ScalingView(
                            p.provider(),
                            p.minWorkers(),
                            p.maxWorkers(),
                            p.slotsPerWorker(),
                            p.scaleUpCooldown().toSeconds(),
                            p.exitWhenIdle().toSeconds());
        }
    }

    /** What the scaler last decided for a cloud. */
    record ScalingStatusView(
            int desiredWorkers,
            int currentWorkers,
            String reason,
            String decidedAt,
            String lastScaleUp,
            String scaler,
            long decisions,
            long workersStarted,
            long workersStopped) {
        static ScalingStatusView of(ScalingStatus s) {
            return s == null
                    ? null
                    : new ScalingStatusView(
                            s.desired(),
                            s.current(),
                            s.reason(),
                            Json.time(s.decidedAt()),
                            Json.time(s.lastScaleUp()),
                            s.scaler(),
                            s.decisions(),
                            s.started(),
                            s.stopped());
        }
    }

    /** @param pricePerCoreHour null when unknown (0 is stored) */
    record CloudView(
            String name,
            int priority,
            Double pricePerCoreHour,
            ScalingView scaling,
            ScalingStatusView scalingStatus,
            String createdAt,
            String updatedAt) {}

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
                ScalingView.of(c.scaling()),
                ScalingStatusView.of(c.scalingStatus()),
                Json.time(c.createdAt()),
                Json.time(c.updatedAt()));
    }

    private static ScalingPolicy scaling(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.invalid("scaling", "scaling must be an object, or null to stop scaling the cloud");
        }
        Fields.onlyKnown(node, Set.copyOf(SCALING_FIELDS), "scaling.");
        for (String field : SCALING_FIELDS) {
            JsonNode v = node.get(field);
            boolean ok = field.equals("provider")
                    ? v != null && v.isTextual()
                    : v != null && v.isIntegralNumber() && v.canConvertToInt();
            if (!ok) {
                throw ApiException.invalid(
                        "scaling." + field,
                        "scaling." + field
                                + (field.equals("provider") ? " must be a string" : " must be a whole number"));
            }
        }
        try {
            return new ScalingPolicy(
                    node.get("provider").asText(),
                    node.get("min_workers").asInt(),
                    node.get("max_workers").asInt(),
                    node.get("slots_per_worker").asInt(),
                    Duration.ofSeconds(node.get("scale_up_cooldown_seconds").asLong()),
                    Duration.ofSeconds(node.get("exit_when_idle_seconds").asLong()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("scaling", e.getMessage());
        }
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
