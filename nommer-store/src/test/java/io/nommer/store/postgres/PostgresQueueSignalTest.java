package io.nommer.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PostgresQueueSignalTest {
    static EmbeddedPostgresServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedPostgresServer.shared();
    }

    private static void awaitListening(PostgresQueueSignal s) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!s.listening()) {
            assertThat(System.nanoTime()).as("listening within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void signal_fromOneConnection_wakesAnAwaitOnAnotherWithinASecond() throws Exception {
        String url = server.newDatabaseUrl();
        try (PostgresQueueSignal sender = PostgresStores.signal(url);
                PostgresQueueSignal receiver = PostgresStores.signal(url)) {
            awaitListening(receiver);
            Thread waker = Thread.ofVirtual().start(() -> {
                sleep(200);
                sender.signal();
            });
            long start = System.nanoTime();
            assertThat(receiver.await(Duration.ofSeconds(5))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            waker.join();
        }
    }

    @Test
    void await_withoutSignal_timesOut() throws Exception {
        try (PostgresQueueSignal receiver = PostgresStores.signal(server.newDatabaseUrl())) {
            awaitListening(receiver);
            assertThat(receiver.await(Duration.ofMillis(300))).isFalse();
        }
    }

    @Test
    void listener_reconnectsAfterItsConnectionIsKilled() throws Exception {
        String url = server.newDatabaseUrl();
        try (PostgresQueueSignal sender = PostgresStores.signal(url);
                PostgresQueueSignal receiver = PostgresStores.signal(url)) {
            awaitListening(receiver);
            PostgresUrl admin = PostgresUrl.parse(url);
            try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            + "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")) {
                assertThat(rs.next()).as("a listening backend to kill").isTrue();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (receiver.listening()) {
                assertThat(System.nanoTime())
                        .as("the listener notices within 10 s")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            awaitListening(receiver);

            Thread waker = Thread.ofVirtual().start(() -> {
                sleep(200);
                sender.signal();
            });
            assertThat(receiver.await(Duration.ofSeconds(5))).isTrue();
            waker.join();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
