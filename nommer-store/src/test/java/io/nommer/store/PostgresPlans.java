package io.nommer.store;

import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.store.Store;
import io.nommer.store.postgres.EmbeddedPostgresServer;
import io.nommer.store.postgres.PostgresStores;
import io.nommer.store.postgres.PostgresUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/** Plans PostgreSQL settles on for statements the driver prepares, for tests that keep queries on their indexes. */
final class PostgresPlans {
    private PostgresPlans() {}

    /** A fresh PostgreSQL store and a plain connection to it. */
    record Opened(Store store, Connection db) {}

    /**
     * A fresh PostgreSQL store holding one queued job ({@code job_template}, one mp4-h264 output), for tests to copy
     * into many rows with {@code generate_series}.
     */
    static Opened aStoreWithATemplateJob() throws Exception {
        String url = EmbeddedPostgresServer.shared().newDatabaseUrl();
        Store store = PostgresStores.open(url);
        store.jobs()
                .create(new NewJob(
                        "job_template",
                        "upload:upl_template",
                        List.of(new OutputSpec(
                                "mp4-h264", "mp4-h264", Presets.find("mp4-h264").orElseThrow(), null)),
                        Priority.NORMAL,
                        Map.of(),
                        null,
                        null,
                        3,
                        null));
        PostgresUrl u = PostgresUrl.parse(url);
        return new Opened(store, DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password()));
    }

    /**
     * The generic plan (with {@code plan_cache_mode = force_generic_plan} set on {@code db}) of {@code sql}, JDBC's
     * {@code ?} for its parameters, of {@code types}, run with the SQL literals {@code args}.
     */
    static String genericPlan(Connection db, String sql, List<String> types, List<String> args) throws Exception {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        StringBuilder plan = new StringBuilder();
        try (Statement st = db.createStatement()) {
            st.execute("DEALLOCATE ALL");
            // why: PostgreSQL takes no empty parentheses for a statement without parameters
            String typeList = types.isEmpty() ? "" : "(" + String.join(", ", types) + ")";
            String argList = args.isEmpty() ? "" : "(" + String.join(", ", args) + ")";
            st.execute("PREPARE probe" + typeList + " AS " + numbered);
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE probe" + argList)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
