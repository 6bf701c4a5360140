package io.nommer.store.sqlite;

import io.nommer.store.Dialect;
import java.util.Collections;

/**
 * SQLite: one writer at a time, so no row locks to skip; transactions begin {@code IMMEDIATE} (set up by
 * {@link SqliteStores}) so writers queue on the busy timeout instead of failing when a read lock would need upgrading.
 */
public final class SqliteDialect implements Dialect {
    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String nowMillis() {
        // unixepoch('subsec') needs SQLite 3.42+; the bundled library of sqlite-jdbc is newer
        return "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
    }

    @Override
    public String identityPrimaryKey() {
        // why: exactly "INTEGER PRIMARY KEY" makes the column the rowid, which SQLite assigns itself
        return "INTEGER PRIMARY KEY";
    }

    @Override
    public String idText() {
        // why: SQLite's default collation (BINARY) already compares bytewise, and it knows no collation named "C"
        return "TEXT";
    }

    @Override
    public String rowLocator() {
        // why: SQLite has no ctid; the tasks' seq is declared INTEGER PRIMARY KEY, which makes it the rowid
        return "seq";
    }

    @Override
    public String atLocators(int n) {
        // (the locators are read as text, and bound back as the integers they are)
        return "seq IN (" + String.join(", ", Collections.nCopies(n, "CAST(? AS INTEGER)")) + ")";
    }
}
