package io.nommer.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a PostgreSQL store lives: a JDBC URL without credentials, and the credentials apart, so that the URL can be
 * logged. {@link #toString()} masks the password.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db[?params]}, with no user or password in it
 * @param user null to let the driver decide
 * @param password null for none
 */
public record PostgresUrl(String jdbcUrl, String user, String password) {
    public static final int DEFAULT_PORT = 5432;
    private static final String JDBC_PREFIX = "jdbc:postgresql:";

    public PostgresUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith(JDBC_PREFIX)) {
            throw new IllegalArgumentException("store URL must start with jdbc:postgresql:, not " + mask(jdbcUrl));
        }
    }

    /**
     * Reads the command line's form {@code postgresql://USER[:PASS]@HOST[:PORT]/DB[?params]} (also
     * {@code postgres://}; user and password percent-encoded) or a JDBC URL {@code jdbc:postgresql://HOST[:PORT]/DB}
     * whose {@code user} and {@code password} parameters are taken out of it.
     *
     * @throws IllegalArgumentException naming the (masked) URL when it is neither
     */
    public static PostgresUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String s = url.trim();
        if (s.startsWith(JDBC_PREFIX)) {
            return fromJdbc(s);
        }
        if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
            return fromUri(s);
        }
        throw new IllegalArgumentException("not a PostgreSQL URL (want postgresql://USER:PASS@HOST:PORT/DB or "
                + "jdbc:postgresql://HOST:PORT/DB): " + mask(s));
    }

    private static PostgresUrl fromUri(String s) {
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            // why: the exception's message quotes the input, password included
            throw new IllegalArgumentException("invalid PostgreSQL URL " + mask(s) + " (percent-encode special "
                    + "characters in the user and password)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("PostgreSQL URL " + mask(s) + " names no host");
        }
        String db = uri.getRawPath() == null || uri.getRawPath().length() <= 1
                ? null
                : decode(uri.getRawPath().substring(1));
        if (db == null) {
            throw new IllegalArgumentException("PostgreSQL URL " + mask(s) + " names no database");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String jdbc =
                JDBC_PREFIX + "//" + host + ":" + port + "/" + uri.getRawPath().substring(1);
        Split rest = split(uri.getRawQuery());
        return new PostgresUrl(
                jdbc + rest.query(),
                rest.user() != null ? rest.user() : user,
                rest.password() != null ? rest.password() : password);
    }

    private static PostgresUrl fromJdbc(String s) {
        int q = s.indexOf('?');
        if (q < 0) {
            return new PostgresUrl(s, null, null);
        }
        Split rest = split(s.substring(q + 1));
        return new PostgresUrl(s.substring(0, q) + rest.query(), rest.user(), rest.password());
    }

    private record Split(String query, String user, String password) {}

    /** Takes {@code user} and {@code password} out of a raw query string. */
    private static Split split(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new Split("", null, null);
        }
        List<String> kept = new ArrayList<>();
        String user = null;
        String password = null;
        for (String param : rawQuery.split("&")) {
            int eq = param.indexOf('=');
            String key = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : decode(param.substring(eq + 1));
            if (key.equals("user")) {
                user = value;
            } else if (key.equals("password")) {
                password = value;
            } else if (!param.isEmpty()) {
                kept.add(param);
            }
        }
        return new Split(kept.isEmpty() ? "" : "?" + String.join("&", kept), user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code url} with any password in it replaced by {@code <masked>}, for messages and logs. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1<masked>");
        // userinfo password: scheme://user:PASS@host
        return masked.replaceAll("^([a-zA-Z][a-zA-Z0-9+.:-]*://[^/:@?#]*):[^@/?#]*@", "$1:<masked>@");
    }

    @Override
    public String toString() {
        return jdbcUrl + (user == null ? "" : " user=" + user) + (password == null ? "" : " password=<masked>");
    }
}
