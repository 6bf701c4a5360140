package io.nommer.server.api;

import io.nommer.core.service.StackService;
import io.nommer.core.stack.Stack;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.util.List;

/**
 * {@code /v1/stacks}: the named, versioned toolchains profiles may pin themselves to ({@code stack}), those live
 * workers have and those configured here. Where a binary is on a worker is shown to admin keys only.
 */
public final class StacksApi {
    private final StackService stacks;

    public StacksApi(StackService stacks) {
        this.stacks = stacks;
    }

    /**
     * A stack.
     *
     * @param byDefault whether outputs without a {@code stack} run on it
     * @param workers how many live workers have it (0: configured here, but no worker that has it reports in)
     * @param configured whether this server's {@code stacks} setting (or, without one, its ffmpeg) makes it
     */
    record StackView(
            String name,
            boolean byDefault,
            int workers,
            boolean configured,
            List<Stack.Tool> tools,
            List<String> encoders,
            List<String> muxers,
            List<String> filters) {}

    /** @param defaultStack what outputs without a {@code stack} run on */
    record StackList(String defaultStack, List<StackView> stacks) {}

    public void register(Router r) {
        r.add("GET", "/v1/stacks", Access.TENANT, req -> {
            StackService.Listing listing = stacks.list();
            return Response.ok(new StackList(
                    listing.defaultStack(),
                    listing.stacks().stream()
                            .map(l -> view(l, listing.defaultStack(), req))
                            .toList()));
        });
        r.add("GET", "/v1/stacks/{name}", Access.TENANT, req -> {
            StackService.Listed l = stacks.get(req.path("name"));
            return Response.ok(view(l, stacks.list().defaultStack(), req));
        });
    }

    private static StackView view(StackService.Listed l, String defaultStack, Request req) {
        Stack s = req.principal() != null && req.principal().admin()
                ? l.stack()
                : l.stack().withoutPaths();
        return new StackView(
                s.name(),
                s.name().equals(defaultStack),
                l.workers(),
                l.configured(),
                s.tools(),
                s.encoders(),
                s.muxers(),
                s.filters());
    }
}
