package io.nommer.store;

import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.job.OutputFile;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.metrics.QueueBand;
import io.nommer.core.metrics.StoreMetrics;
import io.nommer.core.metrics.WorkTotal;
import io.nommer.core.metrics.WorkTotal.Kind;
import io.nommer.core.profile.Priority;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link StoreMetrics} on JDBC. Totals are folded into {@code metric_totals} (V17) behind a watermark per fold:
 * {@code created} (jobs and outputs submitted, found through {@code jobs_by_created}) and {@code finished} (jobs and
 * outputs finished, through {@code job_finishes}). Why not a counter row written with each job's terminal state:
 * that would add a write, and a hot row every completion contends on, to the queue's path, whose throughput is the
 * product's (BENCHMARKS.md); folding reads each job a few times after it finished instead, off that path.
 */
final class JdbcStoreMetrics implements StoreMetrics {
    /** Jobs folded in one transaction, so that catching up with a store of millions holds no lock for long. */
    static final int FOLD_CHUNK = 10_000;

    /**
     * The two folds: each a watermark over a time column, read in order through an index of {@code table}, feeding two
     * kinds of total. {@code jobs} reaches the jobs (as {@code j}) from that table, where the time column is
     * {@code key}.
     */
    enum Fold {
        CREATED("created", "jobs", "created_at", "jobs j", "j.created_at"),
        FINISHED(
                "finished",
                "job_finishes",
                "finished_at",
                "job_finishes k JOIN jobs j ON j.id = k.job_id",
                "k.finished_at");

        final String name;
        final String table;
        final String column;
        final String jobs;
        final String key;

        Fold(String name, String table, String column, String jobs, String key) {
            this.name = name;
            this.table = table;
            this.column = column;
            this.jobs = jobs;
            this.key = key;
        }
    }

    /** Queued tasks by cloud and priority, with the oldest one's submission time. */
    static final String QUEUED_SQL = "SELECT cloud, priority, COUNT(*), MIN(created_at) FROM tasks "
            + "WHERE state = 'queued' GROUP BY cloud, priority";
    /** Running tasks by cloud and priority. */
    static final String RUNNING_SQL =
            "SELECT cloud, priority, COUNT(*) FROM tasks WHERE state = 'running' GROUP BY cloud, priority";

    private final Sql sql;

    JdbcStoreMetrics(Sql sql) {
        this.sql = sql;
    }

    @Override
    public List<WorkTotal> totals() {
        for (Fold fold : Fold.values()) {
            while (!foldChunk(fold)) {
                // each chunk is its own transaction; go on until the fold has caught up
            }
        }
        return sql.read("reading the metric totals", c -> {
            List<WorkTotal> all = new ArrayList<>();
            Map<String, Long> upTo = new LinkedHashMap<>();
            // why: the totals and the watermarks in one statement, so that a fold committing meanwhile cannot make
            // the live part below count a job the totals already hold (or miss one); rows newer than the watermark
            // stay in jobs whatever folds later, so reading them afterwards is safe
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT f.name, f.up_to, t.kind, t.cloud, t.preset, t.state, t.items, t.bytes, "
                                    + "t.cpu_seconds, t.encode_seconds, t.wait_seconds FROM metric_folds f "
                                    + "LEFT JOIN metric_totals t ON (f.name = 'created' AND t.kind IN "
                                    + "('jobs_submitted', 'outputs_submitted')) OR (f.name = 'finished' AND t.kind IN "
                                    + "('jobs_finished', 'outputs_finished'))");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    upTo.put(rs.getString(1), rs.getLong(2));
                    if (rs.getString(3) != null) {
                        all.add(new WorkTotal(
                                kind(rs.getString(3)),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getLong(7),
                                rs.getLong(8),
                                rs.getDouble(9),
                                rs.getDouble(10),
                                rs.getDouble(11)));
                    }
                }
            }
            for (Fold fold : Fold.values()) {
                all.addAll(aggregate(c, fold, upTo.getOrDefault(fold.name, 0L), Long.MAX_VALUE));
            }
            return WorkTotal.merge(all);
        });
    }

    /**
     * Folds the next chunk of {@code fold}: jobs after its watermark and up to {@link #FOLD_MARGIN} ago, at most
     * {@link #FOLD_CHUNK} of them. Answers whether the fold has caught up.
     */
    private boolean foldChunk(Fold fold) {
        return sql.inTransaction("folding " + fold.name + " jobs into the metric totals", c -> {
            long from;
            // why: the fold's row is locked until this transaction ends, so another orchestrator folding at the same
            // time waits and then starts from the watermark this one leaves (SQLite: writers are serialized anyway)
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT up_to FROM metric_folds WHERE name = ?"
                                    + sql.dialect().lockForUpdate(),
                            fold.name);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("the metric fold " + fold.name + " is missing from metric_folds");
                }
                from = rs.getLong(1);
            }
            long cap = sql.now(c) - FOLD_MARGIN.toMillis();
            if (cap <= from) {
                return true;
            }
            long to = cap;
            boolean caughtUp = true;
            try (PreparedStatement ps = prepare(c, boundarySql(fold), from, cap, FOLD_CHUNK - 1);
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    // why: up to and including this time, so that jobs of the same millisecond are folded together
                    to = rs.getLong(1);
                    caughtUp = to == cap;
                }
            }
            for (WorkTotal t : aggregate(c, fold, from, to)) {
                update(
                        c,
                        "INSERT INTO metric_totals (kind, cloud, preset, state, items, bytes, cpu_seconds, "
                                + "encode_seconds, wait_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (kind, cloud, preset, state) DO UPDATE SET "
                                + "items = metric_totals.items + excluded.items, "
                                + "bytes = metric_totals.bytes + excluded.bytes, "
                                + "cpu_seconds = metric_totals.cpu_seconds + excluded.cpu_seconds, "
                                + "encode_seconds = metric_totals.encode_seconds + excluded.encode_seconds, "
                                + "wait_seconds = metric_totals.wait_seconds + excluded.wait_seconds",
                        wireName(t.kind()),
                        t.cloud(),
                        t.preset(),
                        t.state(),
                        t.count(),
                        t.bytes(),
                        t.cpuSeconds(),
                        t.encodeSeconds(),
                        t.waitSeconds());
            }
            update(c, "UPDATE metric_folds SET up_to = ? WHERE name = ?", to, fold.name);
            return caughtUp;
        });
    }

    /** The time of the last job of the next chunk: after {@code ?}, at most {@code ?}, skipping {@code ?} jobs. */
    static String boundarySql(Fold fold) {
        return "SELECT " + fold.column + " FROM " + fold.table + " WHERE " + fold.column + " > ? AND " + fold.column
                + " <= ? ORDER BY " + fold.column + " LIMIT 1 OFFSET ?";
    }

    /** The jobs whose {@code fold} time is in {@code (?, ?]}: by cloud (created), or each with its state and input. */
    static String jobsSql(Fold fold) {
        return fold == Fold.CREATED
                ? "SELECT j.cloud, COUNT(*) FROM " + fold.jobs + range(fold) + " GROUP BY j.cloud"
                : "SELECT j.cloud, j.state, j.input_info FROM " + fold.jobs + range(fold);
    }

    /** The tasks of those jobs: outputs by cloud and preset (created), or each task's figures. */
    static String tasksSql(Fold fold) {
        String tasks = fold.jobs + " JOIN tasks t ON t.job_id = j.id";
        return fold == Fold.CREATED
                ? "SELECT t.cloud, t.preset, COUNT(*) FROM " + tasks + range(fold)
                        + " AND t.part IS NULL GROUP BY t.cloud, t.preset"
                : "SELECT t.cloud, t.preset, t.state, t.part, t.cpu_seconds, t.created_at, t.started_at, "
                        + "t.finished_at, t.files FROM " + tasks + range(fold);
    }

    private static String range(Fold fold) {
        return " WHERE " + fold.key + " > ? AND " + fold.key + " <= ?";
    }

    /** The totals of the jobs whose {@code fold} time is in {@code (from, to]}, with their outputs. */
    private static List<WorkTotal> aggregate(Connection c, Fold fold, long from, long to) throws SQLException {
        List<WorkTotal> totals = new ArrayList<>();
        if (fold == Fold.CREATED) {
            try (PreparedStatement ps = prepare(c, jobsSql(fold), from, to);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    totals.add(new WorkTotal(Kind.JOBS_SUBMITTED, rs.getString(1), "", "", rs.getLong(2), 0, 0, 0, 0));
                }
            }
            try (PreparedStatement ps = prepare(c, tasksSql(fold), from, to);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    totals.add(new WorkTotal(
                            Kind.OUTPUTS_SUBMITTED,
                            rs.getString(1),
                            preset(rs.getString(2)),
                            "",
                            rs.getLong(3),
                            0,
                            0,
                            0,
                            0));
                }
            }
            return WorkTotal.merge(totals);
        }
        try (PreparedStatement ps = prepare(c, jobsSql(fold), from, to);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String info = rs.getString(3);
                MediaInfo input = info == null ? null : JsonColumns.mediaInfo(info);
                totals.add(new WorkTotal(
                        Kind.JOBS_FINISHED,
                        rs.getString(1),
                        "",
                        rs.getString(2),
                        1,
                        input == null ? 0 : input.size(),
                        0,
                        0,
                        0));
            }
        }
        try (PreparedStatement ps = prepare(c, tasksSql(fold), from, to);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                boolean output = rs.getObject(4) == null;
                long created = rs.getLong(6);
                Long started = nullableLong(rs, 7);
                Long finished = nullableLong(rs, 8);
                long bytes = 0;
                if (output && rs.getString(9) != null) {
                    for (OutputFile f : JsonColumns.files(rs.getString(9))) {
                        bytes += f.size();
                    }
                }
                double encode = started != null && finished != null ? Math.max(0, finished - started) / 1000.0 : 0;
                double wait = output && started != null ? Math.max(0, started - created) / 1000.0 : 0;
                totals.add(new WorkTotal(
                        Kind.OUTPUTS_FINISHED,
                        rs.getString(1),
                        preset(rs.getString(2)),
                        rs.getString(3),
                        output ? 1 : 0,
                        bytes,
                        rs.getDouble(5),
                        encode,
                        wait));
            }
        }
        return WorkTotal.merge(totals);
    }

    @Override
    public List<QueueBand> queue() {
        return sql.read("reading the queue's depth", c -> {
            long now = sql.now(c);
            List<QueueBand> bands = new ArrayList<>();
            // why: the queued ones through tasks_claim (partial: queued tasks only) and the running ones through
            // tasks_lease (running only), so the cost follows the tasks waiting and running, not the store's size
            Map<List<Object>, long[]> by = new LinkedHashMap<>();
            try (PreparedStatement ps = prepare(c, QUEUED_SQL);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] v = by.computeIfAbsent(key(rs), k -> new long[] {0, 0, Long.MAX_VALUE});
                    v[0] += rs.getLong(3);
                    v[2] = Math.min(v[2], rs.getLong(4));
                }
            }
            try (PreparedStatement ps = prepare(c, RUNNING_SQL);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    by.computeIfAbsent(key(rs), k -> new long[] {0, 0, Long.MAX_VALUE})[1] += rs.getLong(3);
                }
            }
            by.forEach((k, v) -> bands.add(new QueueBand(
                    (String) k.get(0),
                    (Priority) k.get(1),
                    v[0],
                    v[1],
                    v[2] == Long.MAX_VALUE ? Duration.ZERO : Duration.ofMillis(Math.max(0, now - v[2])))));
            return bands;
        });
    }

    /** A band's key: the cloud and the job's priority (a task's priority combines the job's and the profile's). */
    private static List<Object> key(ResultSet rs) throws SQLException {
        return List.of(rs.getString(1), Priority.jobOf(rs.getInt(2)));
    }

    private static String preset(String preset) {
        return preset == null || preset.isEmpty() ? WorkTotal.NO_PRESET : preset;
    }

    private static String wireName(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static Kind kind(String wireName) {
        return Kind.valueOf(wireName.toUpperCase(Locale.ROOT));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
