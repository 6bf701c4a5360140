package io.nommer.server;

import io.nommer.store.postgres.EmbeddedPostgresServer;

/** {@link MetricsContract} on PostgreSQL (embedded, from Maven-provided binaries). */
class PostgresMetricsTest extends MetricsContract {
    private String url;

    @Override
    protected String store() {
        if (url == null) {
            url = EmbeddedPostgresServer.shared().newDatabaseUrl();
        }
        return url;
    }
}
