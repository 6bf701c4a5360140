package io.nommer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nommer keys}: API keys made on the store directly, with no server running, which is how the first admin key
 * comes to be. A new key is printed once; only its hash is stored.
 */
@Command(
        name = "keys",
        description = {
            "Manage API keys on the store directly.",
            "No server is needed: this is the way to make the first admin key.",
            "A new key is printed once; only its hash is stored. Over the API: /v1/keys (admin keys)."
        },
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "needs a command: create, list or revoke");
    }

    /** Where the store is: the same {@code --data} or {@code --store} (or their variables) as {@code nommer serve}. */
    static final class StoreOptions {
        @Option(
                names = "--data",
                paramLabel = "DIR",
                description = "The data directory of an embedded (SQLite) store (default: $NOMMER_DATA, else"
                        + " ./nommer-data)")
        String data;

        @Option(
                names = "--store",
                paramLabel = "URL",
                description = "postgresql://USER[:PASSWORD]@HOST:PORT/DB or sqlite:PATH (default: $NOMMER_STORE,"
                        + " else SQLite in the data directory)")
        String store;

        Store open(Context ctx) {
            Map<String, String> settings = new LinkedHashMap<>();
            if (data != null) {
                settings.put("data", data);
            }
            if (store != null) {
                settings.put("store", store);
            }
            return NommerServer.openStore(ConfigLoader.load(settings, ServiceCommands.serverEnv(ctx)));
        }
    }

    /** A keys command: it opens the store {@code --data} or {@code --store} names. */
    abstract static class OnStore implements Callable<Integer> {
        final Context ctx;

        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions where;

        OnStore(Context ctx) {
            this.ctx = ctx;
        }
    }

    @Command(name = "create", description = "Create a key.")
    static final class Create extends OnStore {

        @Option(
                names = "--tenant",
                required = true,
                paramLabel = "NAME",
                description = "The tenant the key acts for, created when new: 1-64 of a-z, 0-9, _ and -")
        String tenant;

        @Option(
                names = "--admin",
                description = "An admin key (clouds, workers, keys, every tenant's jobs) instead of a tenant's")
        boolean admin;

        @Option(
                names = "--expires",
                paramLabel = "TIME",
                description = "When the key stops working, e.g. 2027-01-31T00:00:00Z (default: never)")
        String expires;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the key is for")
        String description;

        @Option(names = "--json", description = "Print the key's JSON (with the key itself, once)")
        boolean json;

        Create(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            if (!ApiKeys.TENANT_NAME.matcher(tenant).matches()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--tenant must be 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit");
            }
            Instant expiry;
            try {
                expiry = expires == null ? null : Instant.parse(expires);
            } catch (DateTimeParseException e) {
                throw new ParameterException(
                        spec.commandLine(), "--expires must be a time such as 2027-01-31T00:00:00Z");
            }
            try (Store store = where.open(ctx)) {
                ApiKeys.Created c = store.keys().create(tenant, admin ? Role.ADMIN : Role.TENANT, description, expiry);
                if (json) {
                    ctx.out().println(view(c.key()).put("key", c.token()));
                    return ExitCode.OK;
                }
                ctx.out()
                        .println("created " + c.key().role().wireName() + " key "
                                + c.key().id() + " of tenant " + tenant
                                + (expiry == null ? "" : ", expiring " + expiry));
                ctx.out().println("key (shown once; send it as 'Authorization: Bearer <key>' or NOMMER_API_KEY):");
                ctx.out().println(c.token());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List keys: ids, roles, expiry, revocation, last use; never the secrets.")
    static final class ListKeys extends OnStore {

        @Option(names = "--tenant", paramLabel = "NAME", description = "Only this tenant's keys")
        String tenant;

        @Option(names = "--json", description = "Print {\"keys\": [...]} as the API's GET /v1/keys does")
        boolean json;

        ListKeys(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            try (Store store = where.open(ctx)) {
                if (json) {
                    ObjectNode doc = Views.mapper().createObjectNode();
                    ArrayNode keys = doc.putArray("keys");
                    store.keys().list(tenant).forEach(k -> keys.add(view(k)));
                    ctx.out().println(doc);
                    return ExitCode.OK;
                }
                for (ApiKey k : store.keys().list(tenant)) {
                    ctx.out()
                            .printf(
                                    java.util.Locale.ROOT,
                                    "%s  %-7s %-20s created %s%s%s%s%n",
                                    k.id(),
                                    k.role().wireName(),
                                    k.tenant(),
                                    k.createdAt(),
                                    k.expiresAt() == null ? "" : ", expires " + k.expiresAt(),
                                    k.revokedAt() == null ? "" : ", REVOKED " + k.revokedAt(),
                                    k.lastUsedAt() == null ? ", never used" : ", last used " + k.lastUsedAt());
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a key: it stops working at once.")
    static final class Revoke extends OnStore {

        @Parameters(paramLabel = "KEY_ID", description = "The key's id, as `nommer keys list` shows it")
        String id;

        Revoke(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            try (Store store = where.open(ctx)) {
                ApiKey k = store.keys()
                        .revoke(id)
                        .orElseThrow(() -> new ParameterException(spec.commandLine(), "no key " + id));
                ctx.out().println("revoked key " + k.id() + " of tenant " + k.tenant() + " at " + k.revokedAt());
            }
            return ExitCode.OK;
        }
    }

    /** A key as the API shows it, never its secret. */
    private static ObjectNode view(ApiKey k) {
        ObjectNode o = Views.mapper().createObjectNode();
        o.put("id", k.id());
        o.put("tenant", k.tenant());
        o.put("role", k.role().wireName());
        o.put("description", k.description());
        o.put("created_at", String.valueOf(k.createdAt()));
        o.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
        o.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        o.put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
        return o;
    }
}
