package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The claim's probes keep to the queue index under a generic plan, the plan PostgreSQL settles on for a statement the
 * driver prepared: one made for an unknown tenant once read the whole queue (166 ms a claim at 100,000 queued tasks,
 * found by the throughput benchmark's deep queue). Each statement is planned as a generic plan over a queue of one
 * tenant's 20,000 tasks and must not scan the table. The webhook relay's look for due webhooks over 20,000 delivered
 * ones must read only those still to deliver. (The activity statements: ActivityPlansTest.)
 */
class QueuePlansTest {
    static Connection db;
    static Store store;
    static int priority;

    @BeforeAll
    static void queue() throws Exception {
        PostgresPlans.Opened opened = PostgresPlans.aStoreWithATemplateJob();
        store = opened.store();
        db = opened.db();
        try (Statement st = db.createStatement()) {
            st.execute("INSERT INTO jobs (id, state, priority, input, metadata, max_attempts, cloud, created_at, "
                    + "updated_at) SELECT 'job_q' || g, state, priority, input, metadata, max_attempts, cloud, "
                    + "created_at, updated_at FROM jobs, generate_series(1, 20000) g WHERE id = 'job_template'");
            st.execute("ANALYZE jobs");
            st.execute("INSERT INTO tasks (id, job_id, idx, name, preset, profile, state, priority, cloud, "
                    + "max_attempts, run_after, created_at, updated_at, tenant, fair_tag) SELECT 'tsk_q' || g || '_0', "
                    + "'job_q' || g, 0, name, preset, profile, state, priority, cloud, max_attempts, run_after, "
                    + "created_at, updated_at, tenant, fair_tag + g FROM tasks, generate_series(1, 20000) g "
                    + "WHERE job_id = 'job_template'");
            st.execute("ANALYZE tasks");
            try (ResultSet rs = st.executeQuery("SELECT priority FROM tasks WHERE id = 'tsk_q1_0'")) {
                rs.next();
                priority = rs.getInt(1);
            }
            st.execute("SET plan_cache_mode = force_generic_plan");
        }
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
        store.close();
    }

    /** The plan of {@code sql} (JDBC's {@code ?} for parameters) prepared generically, run for the queue's tenant. */
    private static String genericPlan(String sql, String... types) throws Exception {
        List<String> args = new ArrayList<>();
        for (String type : types) {
            args.add(
                    switch (type) {
                        case "text" -> "'default'";
                        case "int" -> Integer.toString(priority);
                        case "bigint" -> Long.toString(System.currentTimeMillis() - 3_600_000);
                        default -> throw new IllegalArgumentException(type);
                    });
        }
        return PostgresPlans.genericPlan(db, sql, List.of(types), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"before", "after"})
    void theProbeForAnotherTenant_usesTheQueueIndex(String side) throws Exception {
        String probe = side.equals("before") ? FairShare.OTHER_TENANT_BEFORE : FairShare.OTHER_TENANT_AFTER;

        String plan = genericPlan("SELECT " + probe, "text", "int", "text");

        assertThat(plan).contains("tasks_claim").doesNotContain("Seq Scan");
    }

    @Test
    void theRelaysLookForDueWebhooks_readsOnlyThoseStillToDeliver() throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute("INSERT INTO outbox (job_id, url, event, created_at, attempts, next_attempt_at, delivered_at, "
                    + "http_status) SELECT 'job_f' || g, 'https://app.example.com/hooks', 'job.succeeded', g, 1, g, "
                    + "g + 150, 200 FROM generate_series(1, 20000) g");
            st.execute("ANALYZE outbox");
        }

        String plan = genericPlan(JdbcWebhookOutbox.DUE, "bigint", "int");

        // why: not the key or a next-attempt index, whose ranges hold every webhook ever delivered
        assertThat(plan).contains("outbox_pending").doesNotContain("Seq Scan");
    }
}
