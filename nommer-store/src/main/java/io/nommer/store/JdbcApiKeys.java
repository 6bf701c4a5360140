package io.nommer.store;

import static io.nommer.store.Sql.instant;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.KeyTokens;
import io.nommer.core.auth.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link ApiKeys} on JDBC: the tenants and api_keys tables. */
final class JdbcApiKeys implements ApiKeys {
    private static final String COLUMNS =
            "id, tenant, role, description, created_at, expires_at, revoked_at, last_used_at, secret_hash";
    /** why: recording every use would write a row per request; a minute's precision is what an operator needs */
    private static final long LAST_USE_PRECISION_MILLIS = 60_000;

    private final Sql sql;

    JdbcApiKeys(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Created create(String tenant, Role role, String description, Instant expiresAt) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(role, "role");
        String id = KeyTokens.newId();
        String token = KeyTokens.newToken(id);
        return sql.inTransaction("creating a key for tenant " + tenant, c -> {
            long now = sql.now(c);
            ensureTenant(c, tenant, now);
            update(
                    c,
                    "INSERT INTO api_keys (id, tenant, role, description, secret_hash, created_at, expires_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id,
                    tenant,
                    role.wireName(),
                    description,
                    KeyTokens.hash(token),
                    now,
                    expiresAt == null ? null : expiresAt.toEpochMilli());
            return new Created(load(c, id).orElseThrow(), token);
        });
    }

    @Override
    public Optional<ApiKey> authenticate(String token) {
        Optional<String> id = KeyTokens.id(token);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Stored> stored = sql.read("checking a key", c -> stored(c, id.get()));
        if (stored.isEmpty() || !KeyTokens.matches(token, stored.get().secretHash)) {
            return Optional.empty();
        }
        ApiKey key = stored.get().key;
        long now = System.currentTimeMillis();
        if (key.lastUsedAt() == null || now - key.lastUsedAt().toEpochMilli() >= LAST_USE_PRECISION_MILLIS) {
            sql.inTransaction(
                    "recording the use of key " + key.id(),
                    c -> update(c, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", sql.now(c), key.id()));
        }
        return Optional.of(key);
    }

    @Override
    public List<ApiKey> list(String tenant) {
        return sql.read("listing keys", c -> {
            List<ApiKey> keys = new ArrayList<>();
            String where = tenant == null ? "" : " WHERE tenant = ?";
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT " + COLUMNS + " FROM api_keys" + where + " ORDER BY created_at DESC, id",
                            tenant == null ? new Object[0] : new Object[] {tenant});
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(key(rs));
                }
            }
            return keys;
        });
    }

    @Override
    public Optional<ApiKey> revoke(String id) {
        return sql.inTransaction("revoking key " + id, c -> {
            update(c, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", sql.now(c), id);
            return load(c, id);
        });
    }

    @Override
    public List<Tenant> tenants() {
        return sql.read("listing tenants", c -> {
            List<Tenant> tenants = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT name, created_at FROM tenants ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tenants.add(new Tenant(rs.getString(1), instant(rs, 2)));
                }
            }
            return tenants;
        });
    }

    @Override
    public Tenant tenant(String name) {
        return sql.inTransaction("creating tenant " + name, c -> {
            ensureTenant(c, name, sql.now(c));
            try (PreparedStatement ps = prepare(c, "SELECT name, created_at FROM tenants WHERE name = ?", name);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Tenant(rs.getString(1), instant(rs, 2));
            }
        });
    }

    private static void ensureTenant(Connection c, String tenant, long now) throws SQLException {
        update(c, "INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", tenant, now);
    }

    private record Stored(ApiKey key, String secretHash) {}

    private static Optional<Stored> stored(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", id);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Stored(key(rs), rs.getString("secret_hash"))) : Optional.empty();
        }
    }

    private static Optional<ApiKey> load(Connection c, String id) throws SQLException {
        return stored(c, id).map(Stored::key);
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        return new ApiKey(
                rs.getString("id"),
                rs.getString("tenant"),
                Role.parse(rs.getString("role")),
                rs.getString("description"),
                instant(rs, "created_at"),
                instant(rs, "expires_at"),
                instant(rs, "revoked_at"),
                instant(rs, "last_used_at"));
    }
}
