package io.nommer.store;

import static io.nommer.store.Sql.instant;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.profile.StoredProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@link ProfileStore} on JDBC: the profiles table, keyed by tenant and name, each profile's fields as JSON. */
final class JdbcProfileStore implements ProfileStore {
    private static final String COLUMNS = "name, preset, fields, created_at, updated_at";

    private final Sql sql;

    JdbcProfileStore(Sql sql) {
        this.sql = sql;
    }

    @Override
    public StoredProfile put(String tenant, String name, String preset, Profile fields) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fields, "fields");
        return sql.inTransaction("storing profile " + name, c -> {
            long now = sql.now(c);
            update(
                    c,
                    "INSERT INTO profiles (tenant, name, preset, fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (tenant, name) DO UPDATE SET preset = excluded.preset, fields = excluded.fields, "
                            + "updated_at = excluded.updated_at",
                    tenant,
                    name,
                    preset,
                    JsonColumns.profile(fields),
                    now,
                    now);
            return load(c, tenant, name).orElseThrow();
        });
    }

    @Override
    public Optional<StoredProfile> find(String tenant, String name) {
        return sql.read("finding profile " + name, c -> load(c, tenant, name));
    }

    @Override
    public List<StoredProfile> list(String tenant) {
        return sql.read("listing profiles", c -> {
            List<StoredProfile> profiles = new ArrayList<>();
            try (PreparedStatement ps =
                            prepare(c, "SELECT " + COLUMNS + " FROM profiles WHERE tenant = ? ORDER BY name", tenant);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    profiles.add(profile(rs));
                }
            }
            return profiles;
        });
    }

    @Override
    public boolean delete(String tenant, String name) {
        return sql.inTransaction(
                "deleting profile " + name,
                c -> update(c, "DELETE FROM profiles WHERE tenant = ? AND name = ?", tenant, name) > 0);
    }

    private static Optional<StoredProfile> load(Connection c, String tenant, String name) throws SQLException {
        try (PreparedStatement ps =
                        prepare(c, "SELECT " + COLUMNS + " FROM profiles WHERE tenant = ? AND name = ?", tenant, name);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(profile(rs)) : Optional.empty();
        }
    }

    private static StoredProfile profile(ResultSet rs) throws SQLException {
        return new StoredProfile(
                rs.getString("name"),
                rs.getString("preset"),
                JsonColumns.profile(rs.getString("fields")),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
