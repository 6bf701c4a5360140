package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.job.StoredProfile;
import io.nommer.core.orchestrator.JobService;
import io.nommer.core.store.Store;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.util.Map;
import java.util.Set;

/** {@code /v1/profiles}: a user's named profiles, each a preset plus fields laid over it. */
public final class ProfilesApi {
    private static final Set<String> NON_PROFILE = Set.of("name", "preset");
    private final Store store;
    private final JobService jobs;
    private final ObjectMapper mapper;

    public ProfilesApi(Store store, JobService jobs, ObjectMapper mapper) {
        this.store = store;
        this.jobs = jobs;
        this.mapper = mapper;
    }

    public void register(Router r) {
        r.add("GET", "/v1/profiles", req -> Response.ok(Map.of("profiles",
                store.listProfiles().stream().map(Json::profile).toList())));
        r.add("POST", "/v1/profiles", this::create);
        r.add("GET", "/v1/profiles/{name}", req -> Response.ok(Json.profile(find(req.path("name")))));
        r.add("PUT", "/v1/profiles/{name}", this::replace);
        r.add("DELETE", "/v1/profiles/{name}", req -> {
            if (!store.deleteProfile(req.path("name"))) {
                throw ApiException.notFound("profile " + req.path("name"));
            }
            return Response.noContent();
        });
    }

    private Response create(Request req) {
        JsonNode body = req.jsonObject(64 * 1024);
        String name = Fields.text(body, "name", "name");
        if (name == null) {
            throw ApiException.invalid("name", "name is required");
        }
        if (store.findProfile(name).isPresent()) {
            throw new ApiException(409, "profile_exists", "a profile named '" + name + "' exists; PUT /v1/profiles/"
                    + name + " replaces it", "name");
        }
        StoredProfile p = save(name, body);
        return Response.json(201, Json.profile(p)).header("Location", "/v1/profiles/" + name);
    }

    private Response replace(Request req) {
        String name = req.path("name");
        JsonNode body = req.jsonObject(64 * 1024);
        String bodyName = Fields.text(body, "name", "name");
        if (bodyName != null && !bodyName.equals(name)) {
            throw ApiException.invalid("name", "the body's name '" + bodyName + "' differs from the URL's '" + name + "'");
        }
        return Response.ok(Json.profile(save(name, body)));
    }

    private StoredProfile save(String name, JsonNode body) {
        String preset = Fields.text(body, "preset", "preset");
        return jobs.putProfile(name, preset, Fields.rest(mapper, body, NON_PROFILE));
    }

    private StoredProfile find(String name) {
        return store.findProfile(name).orElseThrow(() -> ApiException.notFound("profile " + name));
    }
}
