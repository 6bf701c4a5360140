package io.nommer.server.players;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.nommer.core.storage.ContentTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Serves the files of one directory under a URL prefix, with the content types players expect. */
final class StaticFiles implements HttpHandler {
    /** The page's own files; media files get the types nommer's API sends. */
    private static final Map<String, String> PAGE_TYPES =
            Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8");

    private final String prefix;
    private final Path root;
    private final boolean anyOrigin;

    /** @param anyOrigin whether pages on any origin may read these files (CORS), as a key server allows its page */
    StaticFiles(String prefix, Path root, boolean anyOrigin) {
        this.prefix = prefix;
        this.root = root.toAbsolutePath().normalize();
        this.anyOrigin = anyOrigin;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (anyOrigin) {
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        }
        String method = ex.getRequestMethod();
        if (method.equals("OPTIONS") && anyOrigin) {
            ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, HEAD");
            ex.getResponseHeaders().set("Access-Control-Allow-Headers", "*");
            LocalServer.send(ex, 204, "text/plain", new byte[0]);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            LocalServer.refuse(ex, 405, method + " is not served here");
            return;
        }
        String path = ex.getRequestURI().getPath();
        Path file = root.resolve(path.substring(prefix.length())).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            LocalServer.refuse(ex, 404, "no file " + file);
            return;
        }
        String name = file.getFileName().toString();
        String type = PAGE_TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), ContentTypes.of(name));
        LocalServer.send(ex, 200, type, Files.readAllBytes(file));
    }
}
