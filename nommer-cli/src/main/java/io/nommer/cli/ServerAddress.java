package io.nommer.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the API is, as a person types it: a URL, or {@code host:port}, {@code [v6]:port}, {@code host} (port 8080,
 * nommer's), {@code :port} or {@code port} (on 127.0.0.1), taken as {@code http://}.
 */
final class ServerAddress {
    static final String DEFAULT = "http://127.0.0.1:8080";
    static final int DEFAULT_PORT = 8080;

    /** Host (a name, an IPv4 address or a bracketed IPv6 one), an optional port, an optional path. */
    private static final Pattern BARE =
            Pattern.compile("(?<host>\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]*)(?::(?<port>[0-9]{1,5}))?(?<path>/.*)?");

    private ServerAddress() {}

    /**
     * @param where a URL ({@code http://} or {@code https://}) or a bare address
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static URI parse(String where) {
        String s = where.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("is empty; give a URL such as " + DEFAULT + " or HOST:PORT");
        }
        if (s.contains("://")) {
            URI uri;
            try {
                uri = new URI(s);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + where + "' is not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("'" + where + "' must be an http:// or https:// URL");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("'" + where + "' names no host");
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("'" + where + "' must not have a query or fragment");
            }
            return uri;
        }
        if (s.matches("[0-9]{1,5}")) {
            s = ":" + s;
        }
        Matcher m = BARE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + where + "' is neither a URL nor HOST:PORT (e.g. " + DEFAULT + ", media.example.com:8080)");
        }
        String host = m.group("host").isEmpty() ? "127.0.0.1" : m.group("host");
        int port = m.group("port") == null ? DEFAULT_PORT : Integer.parseInt(m.group("port"));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + where + "': the port must be 1 to 65535");
        }
        String path = m.group("path") == null ? "" : m.group("path");
        return parse("http://" + host + ":" + port + path);
    }
}
