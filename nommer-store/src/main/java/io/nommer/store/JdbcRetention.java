package io.nommer.store;

import static io.nommer.store.Sql.in;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.job.OutputFile;
import io.nommer.core.profile.Profile;
import io.nommer.core.retention.RetentionStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link RetentionStore} on JDBC. Expired jobs are found through {@code job_finishes} (V21), finished jobs in the
 * order they finished, so that finding the oldest reads only those, however many jobs the store holds; a job's webhook
 * rows through {@code outbox_by_job}.
 */
final class JdbcRetention implements RetentionStore {
    private static final String FINISHED = "jobs.state IN ('succeeded', 'failed', 'cancelled')";
    /**
     * Finished before the cutoff, with no webhook being delivered or ended after it (three parameters: the cutoff, and
     * twice more for the webhook).
     */
    private static final String EXPIRED = "jobs.finished_at IS NOT NULL AND jobs.finished_at < ? AND " + FINISHED
            + " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = jobs.id AND ((o.delivered_at IS NULL AND "
            + "o.given_up_at IS NULL) OR o.delivered_at >= ? OR o.given_up_at >= ?))";

    private final Sql sql;

    /**
     * The oldest expired jobs with when they finished, in that order (parameters: the cutoff four times, then with
     * {@code from} the time to start from, then how many).
     */
    static String expiredSql(boolean from) {
        return "SELECT jobs.id, f.finished_at FROM job_finishes f JOIN jobs ON jobs.id = f.job_id "
                + "WHERE f.finished_at < ? AND " + EXPIRED + (from ? " AND f.finished_at >= ?" : "")
                + " ORDER BY f.finished_at LIMIT ?";
    }

    /** Deletes the job_finishes rows of {@code n} jobs (parameters: their ids), found by key through the jobs. */
    static String forgetFinishesSql(int n) {
        return "DELETE FROM job_finishes WHERE (finished_at, job_id) IN (SELECT finished_at, id FROM jobs WHERE "
                + in("id", n) + ")";
    }

    JdbcRetention(Sql sql) {
        this.sql = sql;
    }

    @Override
    public List<ExpiredJob> expiredJobs(Duration age, Instant from, int max, boolean withFiles) {
        Objects.requireNonNull(age, "age");
        if (max < 1) {
            return List.of();
        }
        return sql.read("finding expired jobs", c -> {
            long cutoff = sql.now(c) - age.toMillis();
            List<Object> args = new ArrayList<>(List.of(cutoff, cutoff, cutoff, cutoff));
            if (from != null) {
                args.add(from.toEpochMilli());
            }
            args.add(max);
            Map<String, Instant> finished = new LinkedHashMap<>();
            try (PreparedStatement ps = prepare(c, expiredSql(from != null), args.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    finished.put(rs.getString(1), Sql.instant(rs, 2));
                }
            }
            List<String> ids = List.copyOf(finished.keySet());
            Map<String, List<URI>> files = new LinkedHashMap<>();
            ids.forEach(id -> files.put(id, new ArrayList<>()));
            if (withFiles && !ids.isEmpty()) {
                try (PreparedStatement ps = prepare(
                                c,
                                "SELECT job_id, files FROM tasks WHERE " + in("job_id", ids.size())
                                        + " AND files IS NOT NULL",
                                ids.toArray());
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<URI> of = files.get(rs.getString(1));
                        for (OutputFile f : JsonColumns.files(rs.getString(2))) {
                            of.add(URI.create(f.uri()));
                        }
                    }
                }
            }
            return files.entrySet().stream()
                    .map(e -> new ExpiredJob(e.getKey(), finished.get(e.getKey()), e.getValue()))
                    .toList();
        });
    }

    @Override
    public Set<String> deleteJobs(Collection<String> jobIds, Duration age) {
        List<String> ids = jobIds.stream().distinct().sorted().toList();
        if (ids.isEmpty()) {
            return Set.of();
        }
        String what = ids.size() == 1 ? "deleting job " + ids.get(0) : "deleting " + ids.size() + " jobs";
        return sql.inTransaction(what, c -> {
            List<Object> args = new ArrayList<>(ids);
            String query = "SELECT id FROM jobs WHERE " + in("id", ids.size()) + " AND ";
            if (age == null) {
                // why: wait for a concurrent delete (or retry) of the job rather than skip it, and then see what it did
                query += FINISHED + " ORDER BY id" + sql.dialect().lockForDelete();
            } else {
                long cutoff = sql.now(c) - age.toMillis();
                args.addAll(List.of(cutoff, cutoff, cutoff));
                // why: a job another pass (another orchestrator) is deleting right now is its to delete
                query += EXPIRED + " ORDER BY id" + sql.dialect().skipLocked();
            }
            List<String> doomed = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, query, args.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    doomed.add(rs.getString(1));
                }
            }
            if (doomed.isEmpty()) {
                return Set.<String>of();
            }
            Object[] doomedArgs = doomed.toArray();
            // children first: SQLite checks every foreign key to jobs, PostgreSQL the outbox's
            update(c, "DELETE FROM outbox WHERE " + in("job_id", doomed.size()), doomedArgs);
            update(c, "DELETE FROM job_events WHERE " + in("job_id", doomed.size()), doomedArgs);
            update(c, "DELETE FROM tasks WHERE " + in("job_id", doomed.size()), doomedArgs);
            update(c, forgetFinishesSql(doomed.size()), doomedArgs);
            update(c, "DELETE FROM jobs WHERE " + in("id", doomed.size()), doomedArgs);
            return new LinkedHashSet<>(doomed);
        });
    }

    @Override
    public List<String> expiredUploads(Duration age, String after, int max) {
        Objects.requireNonNull(age, "age");
        if (max < 1) {
            return List.of();
        }
        return sql.read("finding expired uploads", c -> {
            List<Object> args = new ArrayList<>(List.of(sql.now(c) - age.toMillis()));
            String query = "SELECT id FROM uploads WHERE created_at < ?";
            if (after != null) {
                query += " AND id > ?";
                args.add(after);
            }
            args.add(max);
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, query + " ORDER BY id LIMIT ?", args.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    @Override
    public Set<String> inUse(Collection<String> uris) {
        List<String> wanted = uris.stream().distinct().toList();
        if (wanted.isEmpty()) {
            return Set.of();
        }
        return sql.read("finding which uploads unfinished jobs use", c -> {
            Set<String> used = new HashSet<>();
            // why: one query per state, each with its state written out, so that PostgreSQL reads the queue's partial
            // index of that state (tasks_claim, tasks_lease) rather than every task ever run
            for (String state : List.of("queued", "running")) {
                usedBy(c, state, wanted, used);
            }
            return used;
        });
    }

    private static void usedBy(Connection c, String state, List<String> wanted, Set<String> used) throws SQLException {
        String query = "SELECT j.input, t.profile FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.state = '" + state
                + "' AND (" + in("j.input", wanted.size()) + " OR t.profile LIKE '%\"watermark_url\"%')";
        Set<String> lookingFor = new HashSet<>(wanted);
        try (PreparedStatement ps = prepare(c, query, wanted.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (lookingFor.contains(rs.getString(1))) {
                    used.add(rs.getString(1));
                }
                String profile = rs.getString(2);
                if (profile.contains("\"watermark_url\"")) {
                    String watermark = JsonColumns.profile(profile).get(Profile.WATERMARK_URL);
                    if (watermark != null && lookingFor.contains(watermark)) {
                        used.add(watermark);
                    }
                }
            }
        }
    }

    @Override
    public boolean deleteUpload(String uploadId) {
        return sql.inTransaction(
                        "deleting the record of upload " + uploadId,
                        c -> update(c, "DELETE FROM uploads WHERE id = ?", uploadId))
                > 0;
    }
}
