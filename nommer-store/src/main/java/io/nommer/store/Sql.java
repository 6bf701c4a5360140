package io.nommer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The JDBC plumbing every adapter shares: transactions, "now", statements with bound arguments, batches and many-row
 * inserts. All SQL text stays in the adapters; what differs between engines sits behind {@link Dialect}.
 *
 * <p>Time: each call reads "now" once, from the database ({@link Dialect#nowMillis()}) so that leases never depend on
 * a worker's clock, and binds it to every statement of its transaction, so that all rows one call writes agree. A test
 * may pass an {@link InstantSource} instead, and step it to expire leases without sleeping.
 */
final class Sql {
    private final DataSource dataSource;
    private final Dialect dialect;
    private final InstantSource testClock;

    /** @param testClock null for database time */
    Sql(DataSource dataSource, Dialect dialect, InstantSource testClock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.testClock = testClock;
    }

    Dialect dialect() {
        return dialect;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Work done on a connection; the message of any {@link SQLException} names what was being done. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction (on SQLite a {@code BEGIN IMMEDIATE}: writers queue rather than deadlock). */
    <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
            // why: leaving manual-commit mode commits (JDBC), and unlike commit() it does not make sqlite-jdbc begin
            // the next IMMEDIATE transaction at once, which would queue for the write lock again and could fail
            // with SQLITE_BUSY after our own commit had succeeded
            c.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} outside a transaction (reads). */
    <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** "Now" for one call: the test clock if there is one, else the database's clock. */
    long now(Connection c) throws SQLException {
        if (testClock != null) {
            return testClock.millis();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + dialect.nowMillis());
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Runs one statement for each row as a JDBC batch (one round trip where the driver allows); counts per row. */
    static int[] batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }

    /**
     * {@code column IN (?, ...)} for {@code n} values. Not {@code = ANY (?)} with an array: PostgreSQL plans that once
     * for any length, and with statistics from when the table was small the plan read the whole table for 64 ids.
     */
    static String in(String column, int n) {
        return column + " IN (" + placeholders(n) + ")";
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    /**
     * Inserts rows into one table: many at once with COPY where the engine has it ({@link Dialect#copiesRows()});
     * else, where it has arrays ({@link Dialect#bindsArrays()}), in one statement that binds one array per column;
     * else as a JDBC batch.
     */
    void insert(Connection c, RowInsert insert, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() >= COPY_FROM && dialect.copiesRows()) {
            dialect.copyRows(c, insert.table(), insert.columns(), copyText(rows));
            return;
        }
        if (!dialect.bindsArrays()) {
            batch(c, insert.valuesSql(), rows);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insert.unnestSql())) {
            for (int col = 0; col < insert.types().size(); col++) {
                String type = insert.types().get(col);
                Object[] values = switch (type) {
                    case "int4" -> new Integer[rows.size()];
                    case "int8" -> new Long[rows.size()];
                    default -> new String[rows.size()];
                };
                for (int r = 0; r < rows.size(); r++) {
                    Object v = rows.get(r)[col];
                    values[r] = v == null
                            ? null
                            : switch (type) {
                                case "int4" -> ((Number) v).intValue();
                                case "int8" -> ((Number) v).longValue();
                                default -> (String) v;
                            };
                }
                ps.setArray(col + 1, c.createArrayOf(type, values));
            }
            ps.executeUpdate();
        }
    }

    /**
     * How many rows make a COPY worth its second round trip. In the throughput benchmark (bulk requests of 1000 jobs)
     * COPY took 17 us per job row and 17 per task row where one INSERT binding an array per column took 34 and 44: the
     * server parses each array back element by element, and COPY writes a page of rows at a time.
     */
    static final int COPY_FROM = 50;

    /** Rows in COPY's text format: values separated by tabs, rows by newlines, null as {@code \N}. */
    static String copyText(List<Object[]> rows) {
        int size = 0;
        for (Object[] row : rows) {
            for (Object v : row) {
                size += v instanceof String text ? text.length() + 1 : 20;
            }
        }
        // why: sized up front, since growing it copied the whole text again and again (a task's row is ~800 chars)
        StringBuilder b = new StringBuilder(size + size / 8);
        for (Object[] row : rows) {
            for (int col = 0; col < row.length; col++) {
                if (col > 0) {
                    b.append('\t');
                }
                Object v = row[col];
                if (v == null) {
                    b.append("\\N");
                } else if (v instanceof String text) {
                    appendCopyText(b, text);
                } else if (v instanceof Number || v instanceof Boolean) {
                    b.append(v);
                } else {
                    throw new IllegalArgumentException(
                            "no COPY text for a " + v.getClass().getName());
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** {@code text} escaped for COPY's text format: backslash, newline, carriage return and tab. */
    private static void appendCopyText(StringBuilder b, String text) {
        // why: most values hold none of the four, and indexOf scans a string many characters at a time; appending
        // char by char was a tenth of the service's CPU in the throughput benchmark (a task's row is mostly JSON)
        if (text.indexOf('\\') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0 && text.indexOf('\t') < 0) {
            b.append(text);
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(ch);
            }
        }
    }

    /**
     * An INSERT of whole rows: a table and its columns, each with its SQL type ({@code text}, {@code int4} or
     * {@code int8}).
     */
    record RowInsert(String table, List<String> columns, List<String> types) {
        RowInsert(String table, String... typedColumns) {
            this(
                    table,
                    Arrays.stream(typedColumns).map(t -> t.split(" ")[0]).toList(),
                    Arrays.stream(typedColumns).map(t -> t.split(" ")[1]).toList());
        }

        String valuesSql() {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + placeholders(columns.size()) + ")";
        }

        /** One statement text for any number of rows, so the server plans it once per connection. */
        String unnestSql() {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT * FROM unnest("
                    + types.stream().map(t -> "?::" + t + "[]").collect(Collectors.joining(", ")) + ")";
        }
    }
}
