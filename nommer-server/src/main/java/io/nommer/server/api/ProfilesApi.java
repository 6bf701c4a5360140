package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.profile.ParsedProfile;
import io.nommer.core.profile.StoredProfile;
import io.nommer.core.service.ProfileService;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.util.List;
import java.util.Set;

/** {@code /v1/profiles}: the caller's tenant's named profiles, each a preset plus fields laid over it. */
public final class ProfilesApi {
    private static final Set<String> NON_PROFILE = Set.of("name", "preset");
    private final ProfileService profiles;
    private final ObjectMapper mapper;

    public ProfilesApi(ProfileService profiles, ObjectMapper mapper) {
        this.profiles = profiles;
        this.mapper = mapper;
    }

    public void register(Router r) {
        r.add("GET", "/v1/profiles", req -> Response.ok(new Profiles(profiles.list(tenant(req)))));
        r.add("POST", "/v1/profiles", this::create);
        r.add("GET", "/v1/profiles/{name}", req -> Response.ok(profiles.find(tenant(req), req.path("name"))));
        r.add("PUT", "/v1/profiles/{name}", this::replace);
        r.add("DELETE", "/v1/profiles/{name}", req -> {
            profiles.delete(tenant(req), req.path("name"));
            return Response.noContent();
        });
    }

    private Response create(Request req) {
        JsonNode body = req.jsonObject(MAX_BODY);
        String name = Fields.text(body, "name", "name");
        StoredProfile p = profiles.create(tenant(req), name, () -> Fields.text(body, "preset", "preset"), fields(body));
        return Response.json(201, p).header("Location", "/v1/profiles/" + name);
    }

    private Response replace(Request req) {
        JsonNode body = req.jsonObject(MAX_BODY);
        return Response.ok(profiles.replace(
                tenant(req),
                req.path("name"),
                Fields.text(body, "name", "name"),
                () -> Fields.text(body, "preset", "preset"),
                fields(body)));
    }

    private static String tenant(Request req) {
        return req.principal().tenant();
    }

    private ParsedProfile fields(JsonNode body) {
        return Fields.profile(mapper, body, NON_PROFILE);
    }

    /** Every stored profile, by name (each written as {@code Json} writes a stored profile). */
    record Profiles(List<StoredProfile> profiles) {}

    private static final int MAX_BODY = 64 * 1024;
}
