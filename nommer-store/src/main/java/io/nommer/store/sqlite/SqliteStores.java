package io.nommer.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nommer.core.store.Store;
import io.nommer.store.JdbcStore;
import io.nommer.store.Migrations;
import io.nommer.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens the embedded store: a SQLite file, migrated, behind a small connection pool. */
public final class SqliteStores {
    /** Connections in the pool; SQLite has a single writer, so more only help concurrent readers. */
    public static final int POOL_SIZE = 4;
    /** How long a writer waits for the write lock before failing. */
    public static final int BUSY_TIMEOUT_MILLIS = 30_000;

    private SqliteStores() {}

    /**
     * Opens (creating it and its parent folders if needed) the SQLite store at {@code dbFile} and migrates it.
     *
     * @throws StoreException when the file cannot be created or migrated
     */
    public static Store open(Path dbFile) {
        return open(dbFile, null);
    }

    /**
     * As {@link #open(Path)}, with "now" read from {@code clock} instead of the database: for tests that step time.
     *
     * @param clock null for database time
     */
    public static Store open(Path dbFile, InstantSource clock) {
        Objects.requireNonNull(dbFile, "dbFile");
        Path file = dbFile.toAbsolutePath();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the folder of the SQLite store " + file + ": " + e.getMessage(), e);
        }
        HikariDataSource pool = new HikariDataSource(poolConfig(file));
        try {
            SqliteDialect dialect = new SqliteDialect();
            Migrations.migrate(pool, dialect);
            return new JdbcStore(pool, dialect, clock);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariConfig poolConfig(Path file) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // why: a deferred transaction that reads then writes fails with SQLITE_BUSY when another writer got there
        // first; BEGIN IMMEDIATE takes the write lock up front and waits for it under the busy timeout
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        sqlite.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(sqlite);
        ds.setUrl("jdbc:sqlite:" + file);

        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName("nommer-sqlite");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(BUSY_TIMEOUT_MILLIS);
        return config;
    }
}
