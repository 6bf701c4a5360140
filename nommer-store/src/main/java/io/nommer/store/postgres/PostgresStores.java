package io.nommer.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nommer.core.store.Store;
import io.nommer.store.JdbcStore;
import io.nommer.store.Migrations;
import io.nommer.store.StoreException;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the shared store: a PostgreSQL database, migrated, behind a connection pool. Several processes may share it. */
public final class PostgresStores {
    private static final Logger log = LoggerFactory.getLogger(PostgresStores.class);

    /** Connections in each process's pool. */
    public static final int POOL_SIZE = 10;
    /** How long a caller waits for a pooled connection (or a first connection) before failing. */
    public static final int CONNECTION_TIMEOUT_MILLIS = 30_000;

    private PostgresStores() {}

    /**
     * Opens the store at {@code url} ({@code postgresql://USER[:PASS]@HOST[:PORT]/DB} or
     * {@code jdbc:postgresql://HOST[:PORT]/DB?user=..&password=..}) and migrates it; on database time.
     *
     * @throws IllegalArgumentException when the URL is neither form
     * @throws StoreException when the database cannot be reached or migrated (the message masks the password)
     */
    public static Store open(String url) {
        return open(PostgresUrl.parse(url), POOL_SIZE, null);
    }

    /**
     * As {@link #open(String)}, with "now" read from {@code clock} instead of the database: for tests that step time.
     *
     * @param clock null for database time
     */
    public static Store open(String url, InstantSource clock) {
        return open(PostgresUrl.parse(url), POOL_SIZE, clock);
    }

    /**
     * Opens the store at {@code url} with a pool of {@code poolSize} connections and migrates it.
     *
     * @param clock null for database time
     */
    public static Store open(PostgresUrl url, int poolSize, InstantSource clock) {
        Objects.requireNonNull(url, "url");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, not " + poolSize);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(url, poolSize));
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the PostgreSQL store " + url + ": " + e.getMessage(), e);
        }
        try {
            PostgresDialect dialect = new PostgresDialect();
            Migrations.migrate(pool, dialect);
            log.info("opened the PostgreSQL store {}", url);
            return new JdbcStore(pool, dialect, clock);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** A {@link PostgresQueueSignal} for the database at {@code url}, on a connection of its own. */
    public static PostgresQueueSignal signal(String url) {
        return new PostgresQueueSignal(PostgresUrl.parse(url));
    }

    private static HikariConfig poolConfig(PostgresUrl url, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setPoolName("nommer-postgresql");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.addDataSourceProperty("ApplicationName", "nommer");
        // why: batched single-row INSERTs (a bulk submit's jobs, tasks and timeline events) go as multi-row INSERTs,
        // a few statements instead of thousands
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return config;
    }
}
