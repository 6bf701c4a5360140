package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.job.JobFilter;
import io.nommer.core.store.Store;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statements that read a store of many finished jobs keep to their indexes. Retention ({@link JdbcRetention}) finds
 * the oldest finished jobs in order through {@code job_finishes}, and forgets a deleted job's row there by key. The
 * dashboard's activity statements ({@link JdbcActivity}) cost what the window's jobs and the queue cost, not the
 * store's size: each, planned generically (as the driver's prepared statements end up) over a store of 50,000 jobs
 * that finished long ago beside 500 queued and 20 running, finds the finished ones through {@code job_finishes} and
 * the unfinished ones through the queue's partial indexes, reads jobs by key, and never scans a table. A page of the
 * job listing, newest first (all jobs or a tenant's, from a cursor), reads a listing index in order, with no sort.
 */
class FinishedJobsPlansTest {
    static Connection db;
    static Store store;

    @BeforeAll
    static void aStoreOfFinishedJobsAndASmallQueue() throws Exception {
        PostgresPlans.Opened opened = PostgresPlans.aStoreWithATemplateJob();
        store = opened.store();
        db = opened.db();
        String day = "86400000";
        try (Statement st = db.createStatement()) {
            st.execute("INSERT INTO jobs (id, state, priority, input, metadata, max_attempts, cloud, created_at, "
                    + "started_at, finished_at, updated_at) SELECT 'job_f' || g, 'succeeded', priority, input, "
                    + "metadata, max_attempts, cloud, created_at - " + day + " - g, created_at - " + day + " - g, "
                    + "created_at - " + day + " - g, updated_at FROM jobs, generate_series(1, 50000) g "
                    + "WHERE id = 'job_template'");
            st.execute("INSERT INTO job_finishes (finished_at, job_id) SELECT finished_at, id FROM jobs "
                    + "WHERE finished_at IS NOT NULL");
            st.execute("INSERT INTO jobs (id, state, priority, input, metadata, max_attempts, cloud, created_at, "
                    + "started_at, updated_at) SELECT 'job_q' || g, CASE WHEN g <= 20 THEN 'running' ELSE state END, "
                    + "priority, input, metadata, max_attempts, cloud, created_at - g * 60000, "
                    + "CASE WHEN g <= 20 THEN created_at END, updated_at FROM jobs, generate_series(1, 520) g "
                    + "WHERE id = 'job_template'");
            st.execute("INSERT INTO tasks (id, job_id, idx, name, preset, profile, state, priority, cloud, "
                    + "max_attempts, run_after, created_at, started_at, finished_at, updated_at, tenant) SELECT "
                    + "replace(t.id, 'job_template', j.id), j.id, t.idx, t.name, t.preset, t.profile, "
                    + "CASE j.state WHEN 'queued' THEN 'queued' WHEN 'running' THEN 'running' ELSE 'succeeded' END, "
                    + "t.priority, t.cloud, t.max_attempts, t.run_after, j.created_at, j.started_at, j.finished_at, "
                    + "t.updated_at, t.tenant FROM tasks t, jobs j WHERE t.job_id = 'job_template' "
                    + "AND j.id <> 'job_template'");
            st.execute("ANALYZE");
            st.execute("SET plan_cache_mode = force_generic_plan");
        }
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
        store.close();
    }

    @Test
    void listingJobsNewestFirst_readsTheListingIndexesInOrder() throws Exception {
        String cursor = new JdbcJobStore.Cursor(System.currentTimeMillis() - 2 * 86_400_000L, "job_f9").encode();
        for (JobFilter filter : List.of(
                new JobFilter(Set.of(), null, null, null, 50, null, null),
                new JobFilter(Set.of(), null, null, cursor, 50, "default", null))) {
            JdbcJobStore.Listing listing = JdbcJobStore.listing(filter, 50);
            List<String> types = listing.args().stream()
                    .map(a -> a instanceof Long ? "int8" : a instanceof Integer ? "int4" : "text")
                    .toList();
            List<String> literals = listing.args().stream()
                    .map(a -> a instanceof String ? "'" + a + "'" : a.toString())
                    .toList();

            String plan = PostgresPlans.genericPlan(db, listing.sql(), types, literals);

            assertThat(plan)
                    .containsPattern("Index Scan (Backward )?using jobs_by_(created|tenant)")
                    .doesNotContain("Sort", "Seq Scan");
        }
    }

    @Test
    void theUnfinishedJobs_areFoundThroughTheQueuesPartialIndexes() throws Exception {
        String plan = PostgresPlans.genericPlan(db, JdbcActivity.UNFINISHED, List.of(), List.of());
        String tenantPlan = PostgresPlans.genericPlan(
                db, JdbcActivity.UNFINISHED_OF_TENANT, List.of("text", "text"), List.of("'default'", "'default'"));

        for (String p : List.of(plan, tenantPlan)) {
            assertThat(p).contains("tasks_claim", "tasks_lease").doesNotContain("Seq Scan");
        }
    }

    @Test
    void theUnfinishedJobs_areThenReadByKey() throws Exception {
        List<String> ids = IntStream.rangeClosed(1, JdbcActivity.BY_ID)
                .mapToObj(i -> "'job_q" + i + "'")
                .toList();

        String plan = PostgresPlans.genericPlan(
                db, JdbcActivity.jobsByIdSql(ids.size()), Collections.nCopies(ids.size(), "text"), ids);

        assertThat(plan).contains("jobs_pkey").doesNotContain("Seq Scan");
    }

    @Test
    void theJobsFinishedInTheWindow_areFoundThroughJobFinishes() throws Exception {
        String hourAgo = Long.toString(System.currentTimeMillis() - 3_600_000);
        String now = Long.toString(System.currentTimeMillis());

        String plan = PostgresPlans.genericPlan(
                db, JdbcActivity.finishedInWindowSql(false), List.of("int8", "int8"), List.of(hourAgo, now));
        String tenantPlan = PostgresPlans.genericPlan(
                db,
                JdbcActivity.finishedInWindowSql(true),
                List.of("int8", "int8", "text"),
                List.of(hourAgo, now, "'default'"));

        for (String p : List.of(plan, tenantPlan)) {
            assertThat(p).contains("job_finishes_by_time", "jobs_pkey").doesNotContain("Seq Scan");
        }
    }

    @Test
    void retention_readsTheOldestFinishedJobsInOrder_andForgetsTheirFinishesByKey() throws Exception {
        String cutoff = Long.toString(System.currentTimeMillis() - 3_600_000);
        List<String> ids = List.of("'job_f1'", "'job_f2'");

        String expired = PostgresPlans.genericPlan(
                db,
                JdbcRetention.expiredSql(true),
                List.of("int8", "int8", "int8", "int8", "int8", "int4"),
                List.of(cutoff, cutoff, cutoff, cutoff, "0", "100"));
        String forget = PostgresPlans.genericPlan(
                db, JdbcRetention.forgetFinishesSql(ids.size()), List.of("text", "text"), ids);

        // why: not "Seq Scan" alone: the fixture has no webhook rows, and reading an empty outbox is right
        assertThat(expired).contains("job_finishes_by_time", "jobs_pkey").doesNotContain("Seq Scan on job", "Sort");
        assertThat(forget).contains("job_finishes_by_time", "jobs_pkey").doesNotContain("Seq Scan");
    }
}
