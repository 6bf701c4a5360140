package io.nommer.store.postgres;

import io.nommer.store.Dialect;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/** PostgreSQL: concurrent writers, so the claim skips rows other transactions hold and terminal checks lock the job. */
public final class PostgresDialect implements Dialect {
    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String nowMillis() {
        // why: clock_timestamp(), not now(): now() is frozen at the start of the transaction
        return "CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS BIGINT)";
    }

    @Override
    public List<String> migrationLocations() {
        // why: some changes (collations, dropping constraints) have no portable SQL; SQLite keeps its tables as
        // they are
        return List.of("classpath:db/migration", "classpath:db/postgresql");
    }

    @Override
    public boolean bindsArrays() {
        return true;
    }

    @Override
    public boolean chainsWrites() {
        return true;
    }

    @Override
    public boolean copiesRows() {
        return true;
    }

    @Override
    public void copyRows(Connection c, String table, List<String> columns, String rows) throws SQLException {
        try {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN",
                            new StringReader(rows));
        } catch (IOException e) {
            throw new SQLException("copying rows into " + table, e);
        }
    }

    @Override
    public String skipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public String lockKey() {
        // why: a transaction-level advisory lock on the key's 64-bit hash; a collision only serializes two unrelated
        // keys for a moment
        return "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";
    }

    @Override
    public String tryLockKey() {
        return "SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))";
    }

    @Override
    public String lockForDelete() {
        return " FOR UPDATE";
    }

    @Override
    public String lockAgainstDelete() {
        return " FOR KEY SHARE";
    }

    @Override
    public String lockForUpdate() {
        // why: NO KEY UPDATE does not block the key-share locks that inserting a job's outbox rows takes on it
        return " FOR NO KEY UPDATE";
    }
}
