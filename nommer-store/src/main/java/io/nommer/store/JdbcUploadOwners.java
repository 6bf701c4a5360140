package io.nommer.store;

import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.storage.UploadOwners;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** {@link UploadOwners} on JDBC: the uploads table. */
final class JdbcUploadOwners implements UploadOwners {
    private final Sql sql;

    JdbcUploadOwners(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void record(String uploadId, String tenant, long size) {
        sql.inTransaction(
                "recording upload " + uploadId,
                c -> update(
                        c,
                        "INSERT INTO uploads (id, tenant, size, created_at) VALUES (?, ?, ?, ?)",
                        uploadId,
                        tenant,
                        size,
                        sql.now(c)));
    }

    @Override
    public Optional<String> owner(String uploadId) {
        return sql.read("finding upload " + uploadId, c -> {
            try (PreparedStatement ps = prepare(c, "SELECT tenant FROM uploads WHERE id = ?", uploadId);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }
}
