package io.nommer.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.fleet.TaskCounts;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.store.Store;
import io.nommer.store.StoreFixture;
import io.nommer.store.postgres.EmbeddedPostgresServer;
import io.nommer.store.postgres.PostgresStores;
import io.nommer.store.postgres.PostgresUrl;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The query {@code deploy/kubernetes/keda-scaledobject.yaml} gives KEDA, run as written on nommer's PostgreSQL schema:
 * it counts what nommer's own scaler counts for the cloud (running tasks, and queued ones that may run now).
 */
class KedaQueryTest extends StoreFixture {
    private String url;

    @Override
    protected Store newStore(InstantSource clock) {
        url = EmbeddedPostgresServer.shared().newDatabaseUrl();
        // why: database time, as KEDA's query reads it (clock_timestamp()), not the fixture's clock in 2030
        return PostgresStores.open(url);
    }

    /** The postgresql trigger's metadata in the ScaledObject. */
    @SuppressWarnings("unchecked")
    static Map<String, String> trigger() throws IOException {
        GenericKubernetesResource scaled = KubernetesManifestsTest.load("keda-scaledobject.yaml").stream()
                .filter(r -> r.getKind().equals("ScaledObject"))
                .map(GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow();
        Map<String, Object> trigger = scaled.get("spec", "triggers", 0);
        assertThat(trigger).containsEntry("type", "postgresql");
        return (Map<String, String>) trigger.get("metadata");
    }

    long kedaCount() throws IOException, SQLException {
        PostgresUrl db = PostgresUrl.parse(url);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(trigger().get("query"))) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void theQuery_countsTheCloudsRunningAndRunnableTasks_asTheScalerDoes() throws Exception {
        fleet.putCloud("gpu", 0);
        aJob().withOutputs(4).create(); // 4 queued in default
        aJob().inCloud("gpu").withOutputs(3).create(); // not default's
        aJob().withLadderInParts("hls", 2).create(); // 2 renditions runnable, their packaging step waiting
        List<ClaimedTask> claimed = queue.claim("w1", 4, LEASE); // the first job's 4
        queue.complete(claimed.get(0).taskId(), claimed.get(0).leaseToken(), List.of(), 1); // finished
        queue.fail( // failed for good
                claimed.get(1).taskId(),
                claimed.get(1).leaseToken(),
                TaskFailure.of(ErrorCode.INPUT_NOT_FOUND, "gone"));
        queue.fail( // backing off for an hour before its retry
                claimed.get(2).taskId(),
                claimed.get(2).leaseToken(),
                new TaskFailure(ErrorCode.INPUT_FETCH_FAILED, "timeout", null, 0, Duration.ofHours(1)));
        // left in default: claimed.get(3) running, and the 2 renditions runnable

        TaskCounts scaler = fleet.taskCounts().get("default");
        assertThat(scaler.runnable() + scaler.running()).isEqualTo(3);
        assertThat(kedaCount()).isEqualTo(3);
    }
}
