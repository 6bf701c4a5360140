/**
 * The {@link io.nommer.core.store.Store} on JDBC: {@link io.nommer.store.JdbcStore} holds all the SQL, shared by every
 * engine; {@link io.nommer.store.Dialect} is the one seam where engines differ; Flyway migrations live in
 * {@code db/migration}. Engines sit in sub-packages ({@code sqlite}, {@code postgres}) with a factory each.
 */
package io.nommer.store;
