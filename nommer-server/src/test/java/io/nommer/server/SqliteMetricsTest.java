package io.nommer.server;

/** {@link MetricsContract} on SQLite: both orchestrators open the same file in the data directory. */
class SqliteMetricsTest extends MetricsContract {
    @Override
    protected String store() {
        return null;
    }
}
