package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.store.Store;
import io.nommer.store.JdbcStoreMetrics.Fold;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a scrape of {@code /metrics} reads keeps to the indexes, so that its cost follows the jobs of the last minute
 * and the tasks queued, not the store's size: each statement of the folds, planned generically (as the driver's
 * prepared statements end up) over 50,000 finished jobs, reads jobs through {@code jobs_by_created} or
 * {@code job_finishes} and their tasks by key; the queue's counts read the partial queue indexes.
 */
class MetricsPlansTest {
    static Connection db;
    static Store store;

    @BeforeAll
    static void aStoreOfFinishedJobs() throws Exception {
        PostgresPlans.Opened opened = PostgresPlans.aStoreWithATemplateJob();
        store = opened.store();
        db = opened.db();
        try (Statement st = db.createStatement()) {
            st.execute("INSERT INTO jobs (id, state, priority, input, metadata, max_attempts, cloud, created_at, "
                    + "started_at, finished_at, updated_at) SELECT 'job_f' || g, 'succeeded', priority, input, "
                    + "metadata, max_attempts, cloud, created_at + g * 1000, created_at + g * 1000, "
                    + "created_at + g * 1000 + 500, updated_at FROM jobs, generate_series(1, 50000) g "
                    + "WHERE id = 'job_template'");
            st.execute("INSERT INTO tasks (id, job_id, idx, name, preset, profile, state, priority, cloud, "
                    + "max_attempts, run_after, created_at, started_at, finished_at, updated_at, tenant) SELECT "
                    + "'tsk_f' || g || '_0', 'job_f' || g, 0, name, preset, profile, 'succeeded', priority, cloud, "
                    + "max_attempts, run_after, created_at, created_at, created_at + 500, updated_at, tenant "
                    + "FROM tasks, generate_series(1, 50000) g WHERE job_id = 'job_template'");
            st.execute("INSERT INTO job_finishes (finished_at, job_id) SELECT finished_at, id FROM jobs "
                    + "WHERE finished_at IS NOT NULL");
            st.execute("ANALYZE jobs");
            st.execute("ANALYZE tasks");
            st.execute("ANALYZE job_finishes");
            st.execute("SET plan_cache_mode = force_generic_plan");
        }
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
        store.close();
    }

    private static String plan(String sql, List<String> types, List<String> args) throws Exception {
        return PostgresPlans.genericPlan(db, sql, types, args);
    }

    private static String index(Fold fold) {
        return fold == Fold.CREATED ? "jobs_by_created" : "job_finishes_by_time";
    }

    @ParameterizedTest
    @EnumSource(Fold.class)
    void aFoldsChunkBoundary_readsTheIndexOfItsTime(Fold fold) throws Exception {
        String plan =
                plan(JdbcStoreMetrics.boundarySql(fold), List.of("int8", "int8", "int4"), List.of("0", "1000", "9999"));

        assertThat(plan).contains(index(fold)).doesNotContain("Seq Scan");
    }

    @ParameterizedTest
    @EnumSource(Fold.class)
    void aFoldsJobsAndTheirTasks_areReadThroughTheIndexes(Fold fold) throws Exception {
        for (String sql : List.of(JdbcStoreMetrics.jobsSql(fold), JdbcStoreMetrics.tasksSql(fold))) {
            String plan = plan(sql, List.of("int8", "int8"), List.of("0", "1000"));

            assertThat(plan).as(sql).contains(index(fold)).doesNotContain("Seq Scan");
        }
    }

    @Test
    void theQueuesCounts_readOnlyQueuedOrRunningTasks() throws Exception {
        try (Statement st = db.createStatement()) {
            for (String sql : List.of(JdbcStoreMetrics.QUEUED_SQL, JdbcStoreMetrics.RUNNING_SQL)) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertThat(plan.toString()).as(sql).doesNotContain("Seq Scan");
            }
        }
    }
}
