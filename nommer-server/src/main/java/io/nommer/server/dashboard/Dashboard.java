package io.nommer.server.dashboard;

import io.nommer.server.http.ApiException;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web dashboard at {@code /}: a page and its assets, built from {@code src/main/dashboard} into the jar by the
 * Maven build (npm and esbuild), that reads everything through the public API with the user's key. Its pages are
 * client-side routes after a {@code #}, so no path beyond {@code /} and {@code /assets/} is the dashboard's.
 *
 * <p>Every asset's name carries a hash of its content, so it is cached for good; the page itself is revalidated each
 * time (its ETag makes that cheap), so a new server's page names the new assets at once.
 */
public final class Dashboard {
    static final String ROOT = "/io/nommer/server/dashboard/";
    /**
     * Only scripts, styles and fonts from this origin; no inline script or style elements. Media may be a
     * {@code blob:} (hls.js and dash.js play through Media Source Extensions).
     */
    static final String CONTENT_SECURITY_POLICY = String.join(
            "; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    private static final Pattern ASSET =
            Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.(js|css|txt|woff2|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "woff2", "font/woff2",
            "svg", "image/svg+xml",
            "png", "image/png",
            "txt", "text/plain; charset=utf-8");

    public void register(Router r) {
        r.add("GET", "/", Access.PUBLIC, req -> {
            URL index = Dashboard.class.getResource(ROOT + "index.html");
            if (index == null) {
                throw new ApiException(
                        503,
                        "dashboard_not_built",
                        "this build of nommer has no dashboard: it was built without npm (install nodejs and npm, "
                                + "then build again); the API under /v1/ works without it");
            }
            return page(Response.file(uri(index), "text/html; charset=utf-8")).header("Cache-Control", "no-cache");
        });
        r.add("GET", "/assets/{file}", Access.PUBLIC, req -> {
            String name = req.path("file");
            URL asset = ASSET.matcher(name).matches() ? Dashboard.class.getResource(ROOT + "assets/" + name) : null;
            if (asset == null) {
                throw new ApiException(404, "not_found", "no such dashboard asset: " + name);
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            return page(Response.file(uri(asset), TYPES.get(ext)))
                    .header("Cache-Control", "public, max-age=31536000, immutable");
        });
    }

    private static Response page(Response r) {
        return r.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                // why: a page's address never leaks to the sites its links open (signed URLs are in some)
                .header("Referrer-Policy", "no-referrer");
    }

    private static java.net.URI uri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(url + " is not a URI", e);
        }
    }
}
