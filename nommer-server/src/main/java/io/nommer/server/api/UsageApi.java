package io.nommer.server.api;

import static io.nommer.server.api.Json.money;
import static io.nommer.server.api.Json.round3;

import io.nommer.core.auth.Principal;
import io.nommer.core.service.UsageService;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.util.List;

/**
 * {@code GET /v1/usage}: CPU seconds, media minutes, bytes and cost of the jobs created in a window, in total and
 * grouped (see {@link UsageService} for how each figure is made). A tenant's key sees its own tenant's; an admin's
 * every tenant's, or one tenant's with {@code ?tenant=}.
 */
public final class UsageApi {
    private final UsageService usage;

    public UsageApi(UsageService usage) {
        this.usage = usage;
    }

    /** @param cost in the currency of the clouds' {@code price_per_core_hour}; CPU of unpriced clouds excluded */
    record UsageView(
            long jobs,
            long outputs,
            double cpuSeconds,
            double mediaMinutesIn,
            double mediaMinutesOut,
            long bytesIn,
            long bytesOut,
            double cost,
            double unpricedCpuSeconds) {
        static UsageView of(UsageService.Usage u) {
            return new UsageView(
                    u.jobs(),
                    u.outputs(),
                    round3(u.cpuSeconds()),
                    round3(u.mediaSecondsIn() / 60),
                    round3(u.mediaSecondsOut() / 60),
                    u.bytesIn(),
                    u.bytesOut(),
                    money(u.cost()),
                    round3(u.unpricedCpuSeconds()));
        }
    }

    record GroupView(String key, UsageView usage) {}

    record ReportView(String from, String to, String groupBy, String tenant, UsageView total, List<GroupView> groups) {}

    public void register(Router r) {
        r.add("GET", "/v1/usage", Access.TENANT, this::get);
    }

    private Response get(Request req) {
        Principal who = req.principal();
        String tenant = req.query("tenant");
        if (tenant != null && !who.admin() && !tenant.equals(who.tenant())) {
            throw ApiException.invalid("tenant", "a tenant's key reads its own tenant's usage only");
        }
        UsageService.Report report = usage.usage(
                JobsApi.instant(req, "from"),
                JobsApi.instant(req, "to"),
                req.query("group_by"),
                who.admin() ? tenant : who.tenant());
        return Response.ok(new ReportView(
                Json.time(report.from()),
                Json.time(report.to()),
                report.groupBy(),
                report.tenant(),
                UsageView.of(report.total()),
                report.groups().stream()
                        .map(g -> new GroupView(g.key(), UsageView.of(g.usage())))
                        .toList()));
    }
}
