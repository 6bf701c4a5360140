package io.nommer.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/** Brings a database's schema up to date with the Flyway migrations of its dialect. */
public final class Migrations {
    private Migrations() {}

    /**
     * Applies pending migrations.
     *
     * @throws StoreException when a migration fails or the schema has diverged from the migrations
     */
    public static void migrate(DataSource dataSource, Dialect dialect) {
        try {
            Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocations().toArray(String[]::new))
                    .placeholders(dialect.migrationPlaceholders())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("migrating the " + dialect.name() + " store failed: " + e.getMessage(), e);
        }
    }
}
