package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.profile.ParsedProfile;
import io.nommer.core.profile.StoredProfile;
import io.nommer.core.service.ProfileService;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.util.List;
import java.util.Set;

/** {@code /v1/profiles}: a user's named profiles, each a preset plus fields laid over it. */
public final class ProfilesApi {
    private static final Set<String> NON_PROFILE = Set.of("name", "preset");
    private final ProfileService profiles;
    private final ObjectMapper mapper;

    public ProfilesApi(ProfileService profiles, ObjectMapper mapper) {
        this.profiles = profiles;
        this.mapper = mapper;
    }

    public void register(Router r) {
        r.add("GET", "/v1/profiles", req -> Response.ok(new Profiles(profiles.list())));
        r.add("POST", "/v1/profiles", Access.ADMIN, this::create);
        r.add("GET", "/v1/profiles/{name}", req -> Response.ok(profiles.find(req.path("name"))));
        r.add("PUT", "/v1/profiles/{name}", Access.ADMIN, this::replace);
        r.add("DELETE", "/v1/profiles/{name}", Access.ADMIN, req -> {
            profiles.delete(req.path("name"));
            return Response.noContent();
        });
    }

    private Response create(Request req) {
        JsonNode body = req.jsonObject(MAX_BODY);
        String name = Fields.text(body, "name", "name");
        StoredProfile p = profiles.create(name, () -> Fields.text(body, "preset", "preset"), fields(body));
        return Response.json(201, p).header("Location", "/v1/profiles/" + name);
    }

    private Response replace(Request req) {
        JsonNode body = req.jsonObject(MAX_BODY);
        return Response.ok(profiles.replace(
                req.path("name"),
                Fields.text(body, "name", "name"),
                () -> Fields.text(body, "preset", "preset"),
                fields(body)));
    }

    private ParsedProfile fields(JsonNode body) {
        return Fields.profile(mapper, body, NON_PROFILE);
    }

    /** Every stored profile, by name (each written as {@code Json} writes a stored profile). */
    record Profiles(List<StoredProfile> profiles) {}

    private static final int MAX_BODY = 64 * 1024;
}
