package io.nommer.server.api;

import io.nommer.core.activity.Activity;
import io.nommer.core.activity.ActivityStore;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.util.List;

/**
 * {@code /v1/stats/activity}: jobs submitted, finished, queued and running minute by minute over the last hour (or
 * up to a day), from the jobs' own timestamps in the store. A tenant's key sees its own jobs; the admin sees all.
 */
public final class StatsApi {
    private static final int DEFAULT_MINUTES = 60;

    private final ActivityStore activity;

    public StatsApi(ActivityStore activity) {
        this.activity = activity;
    }

    record MinuteView(
            String minute, int submitted, int succeeded, int failed, int cancelled, long queued, int running) {}

    record ActivityView(String now, int minutes, List<MinuteView> buckets) {}

    public void register(Router r) {
        r.add("GET", "/v1/stats/activity", this::activity);
    }

    private Response activity(Request req) {
        int minutes = req.intQuery("minutes", DEFAULT_MINUTES, 1, Activity.MAX_MINUTES);
        Activity.Window w = activity.window(
                minutes, req.principal().admin() ? null : req.principal().tenant());
        List<MinuteView> buckets = Activity.perMinute(w).stream()
                .map(b -> new MinuteView(
                        Json.time(b.minute()),
                        b.submitted(),
                        b.succeeded(),
                        b.failed(),
                        b.cancelled(),
                        b.queued(),
                        b.running()))
                .toList();
        return Response.ok(new ActivityView(Json.time(w.now()), minutes, buckets));
    }
}
