package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.server.NommerServer;
import io.nommer.server.WorkerProcess;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.http.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The {@code nommer} command. */
public final class Main {
    static final String USAGE = """
            usage: nommer <command> [options]

            commands:
              serve   [--port 8080] [--data DIR] [--workers N] [--bind ADDR] [--config FILE] [--SETTING VALUE ...]
                      Run the API, the store, local storage and N in-process workers.
              worker  [--store URL] [--storage URL] [--clouds a,b] [--slots N] [--exit-when-idle 10m]
                      [--encoder ffmpeg|null] [--SETTING VALUE ...]
                      Encode tasks of the given clouds from the store; talks only to the store and storage, opens
                      no port. The null encoder completes tasks at once, to measure the orchestration alone.
              submit  FILE|URL --preset NAME [--preset NAME ...] [--set FIELD=VALUE ...]
                      [--priority high|normal|low] [--cloud NAME] [--wait] [--server URL]
                      Upload FILE (or use URL/URI as is), submit a job, print progress (with --wait) and outputs.
                      --set overrides a profile field in every output (e.g. --set display_aspect_ratio=16:9,
                      --set fps=30000/1001, --set interlaced=true); numbers and true/false are sent as such.
                      --set watermark_url=FILE uploads a local picture first.
              status  ID [--server URL]
                      Print a job's state, progress and outputs.
              keys    create --tenant NAME [--admin] [--expires 2027-01-31T00:00:00Z] [--description TEXT]
                      keys list [--tenant NAME] | keys revoke ID     [--data DIR] [--store URL]
                      Manage API keys on the store directly (no server needed): the way to make the first
                      admin key. A new key is printed once; only its hash is stored.
              help    Print this text.

            The server URL defaults to $NOMMER_SERVER or http://127.0.0.1:8080; submit and status send the API key
            --api-key KEY or $NOMMER_API_KEY (needed when the server requires keys: any address but loopback).
            Settings for serve may also come from NOMMER_<SETTING> variables and a properties file; see README.md.
            """;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = new Main(System.out, System.err).run(args);
        // why: serve returns only while its shutdown hook runs, when System.exit would block; every other command,
        // an idle worker included, exits here.
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(code);
        }
    }

    int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        try {
            Args a = Args.parse(argv, 1);
            return switch (argv[0]) {
                case "serve" -> serve(a);
                case "worker" -> worker(a);
                case "submit" -> submit(a);
                case "status" -> status(a);
                case "keys" -> keys(a);
                default -> {
                    err.println("nommer: unknown command '" + argv[0] + "'\n");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("nommer: " + e.getMessage());
            return 2;
        } catch (NommerClient.ApiError e) {
            err.println("nommer: the server refused the request: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("nommer: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private int serve(Args a) throws InterruptedException {
        if (!a.positional.isEmpty()) {
            throw new IllegalArgumentException("serve takes no positional arguments: " + a.positional);
        }
        Map<String, String> flags = new LinkedHashMap<>();
        a.options.forEach((k, v) -> flags.put(k, v.get(v.size() - 1)));
        ServerConfig config = ConfigLoader.load(flags, System.getenv());
        NommerServer server = NommerServer.start(config);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            done.countDown();
                        },
                        "nommer-shutdown"));
        String where = HttpServer.isWildcard(config.bind())
                ? "every interface, port " + server.port() + " (from this machine: " + server.baseUrl() + ")"
                : server.baseUrl();
        out.println(
                "nommer serving on " + where + " (data in " + config.dataDir().toAbsolutePath() + ")");
        done.await();
        return 0;
    }

    private int worker(Args a) throws InterruptedException {
        if (!a.positional.isEmpty()) {
            throw new IllegalArgumentException("worker takes no positional arguments: " + a.positional);
        }
        Map<String, String> flags = new LinkedHashMap<>();
        a.options.forEach((k, v) -> flags.put(k.equals("slots") ? "workers" : k, v.get(v.size() - 1)));
        WorkerProcess worker = WorkerProcess.start(ConfigLoader.load(flags, System.getenv()));
        Thread hook = new Thread(worker::close, "nommer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("nommer worker running (stop with SIGTERM; running encodes get "
                + worker.shutdownGrace().toSeconds() + " s to finish)");
        worker.awaitExit();
        return 0;
    }

    private int submit(Args a) throws IOException, InterruptedException {
        if (a.positional.size() != 1) {
            throw new IllegalArgumentException("submit needs exactly one FILE or URL");
        }
        List<String> presets = a.options.getOrDefault("preset", List.of());
        if (presets.isEmpty()) {
            throw new IllegalArgumentException("submit needs --preset NAME (see GET /v1/presets)");
        }
        NommerClient client = client(a);
        Map<String, JsonNode> overrides = overrides(client, a.options.getOrDefault("set", List.of()));
        String input = uri(client, a.positional.get(0));
        if (overrides.get("watermark_url") instanceof TextNode mark) {
            overrides.put("watermark_url", TextNode.valueOf(uri(client, mark.asText())));
        }
        ObjectNode job = client.mapper().createObjectNode();
        job.put("input", input);
        ArrayNode outputs = job.putArray("outputs");
        presets.forEach(p -> outputs.addObject().put("preset", p).setAll(overrides));
        a.single("priority").ifPresent(p -> job.put("priority", p));
        a.single("cloud").ifPresent(c -> job.put("cloud", c));
        JsonNode created = client.submit(job);
        String id = created.path("id").asText();
        out.println("submitted job " + id);
        if (created.hasNonNull("owner_token")) {
            out.println("owner token (shown once; reads the job's encryption keys): "
                    + created.path("owner_token").asText());
        }
        if (!a.options.containsKey("wait")) {
            out.println("follow it with: nommer status " + id);
            return 0;
        }
        String last = "";
        while (true) {
            JsonNode j = client.job(id);
            String state = j.path("state").asText();
            String line = String.format(
                    Locale.ROOT, "%s %5.1f%%", state, j.path("progress").asDouble());
            if (!line.equals(last)) {
                out.println(line);
                last = line;
            }
            if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) {
                printOutputs(j);
                return state.equals("succeeded") ? 0 : 1;
            }
            Thread.sleep(1000);
        }
    }

    /** A URL or URI as it is, or a local file uploaded and named by its {@code upload:} URI. */
    private String uri(NommerClient client, String source) throws IOException, InterruptedException {
        if (source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !Files.exists(Path.of(source))) {
            return source;
        }
        Path file = Path.of(source);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + source);
        }
        out.println("uploading " + file + " (" + Files.size(file) + " bytes)");
        return client.upload(file).path("uri").asText();
    }

    /** {@code FIELD=VALUE} pairs as JSON: numbers, booleans and quoted strings as JSON reads them, else a string. */
    private static Map<String, JsonNode> overrides(NommerClient client, List<String> sets) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set needs FIELD=VALUE, not '" + set + "'");
            }
            String value = set.substring(eq + 1);
            JsonNode node;
            try {
                node = client.mapper().readTree(value);
            } catch (IOException e) {
                node = null;
            }
            boolean scalar = node != null && (node.isNumber() || node.isBoolean() || node.isTextual());
            fields.put(set.substring(0, eq), scalar ? node : TextNode.valueOf(value));
        }
        return fields;
    }

    private int status(Args a) throws IOException, InterruptedException {
        if (a.positional.size() != 1) {
            throw new IllegalArgumentException("status needs exactly one job ID");
        }
        JsonNode j = client(a).job(a.positional.get(0));
        out.printf(
                Locale.ROOT,
                "job %s: %s %.1f%%%n",
                j.path("id").asText(),
                j.path("state").asText(),
                j.path("progress").asDouble());
        printOutputs(j);
        String state = j.path("state").asText();
        return state.equals("failed") || state.equals("cancelled") ? 1 : 0;
    }

    private void printOutputs(JsonNode job) {
        for (JsonNode o : job.path("outputs")) {
            out.printf(
                    Locale.ROOT,
                    "  output %s (%s): %s %.1f%%%n",
                    o.path("name").asText(),
                    o.path("preset").asText(),
                    o.path("state").asText(),
                    o.path("progress").asDouble());
            for (JsonNode f : o.path("files")) {
                out.println("    " + f.path("url").asText() + "  ("
                        + f.path("uri").asText() + ", " + f.path("size").asLong() + " bytes)");
            }
            JsonNode e = o.path("error");
            if (!e.isMissingNode()) {
                out.println("    error " + e.path("code").asText() + ": "
                        + e.path("message").asText());
                if (e.hasNonNull("log_tail")) {
                    e.path("log_tail").asText().lines().forEach(l -> out.println("      | " + l));
                }
            }
        }
    }

    private int keys(Args a) {
        if (a.positional.isEmpty()) {
            throw new IllegalArgumentException("keys needs create, list or revoke");
        }
        String action = a.positional.get(0);
        Map<String, String> settings = new LinkedHashMap<>();
        a.single("data").ifPresent(d -> settings.put("data", d));
        a.single("store").ifPresent(s -> settings.put("store", s));
        try (Store store = NommerServer.openStore(ConfigLoader.load(settings, System.getenv()))) {
            ApiKeys keys = store.keys();
            switch (action) {
                case "create" -> {
                    String tenant = a.single("tenant")
                            .orElseThrow(() -> new IllegalArgumentException("keys create needs --tenant NAME"));
                    if (!ApiKeys.TENANT_NAME.matcher(tenant).matches()) {
                        throw new IllegalArgumentException(
                                "--tenant must be 1-64 of a-z, 0-9, '_', '-', starting with a letter or digit");
                    }
                    Instant expires = a.single("expires").map(Instant::parse).orElse(null);
                    ApiKeys.Created c = keys.create(
                            tenant,
                            a.options.containsKey("admin") ? Role.ADMIN : Role.TENANT,
                            a.single("description").orElse(null),
                            expires);
                    out.println("created " + c.key().role().wireName() + " key "
                            + c.key().id() + " of tenant " + tenant + (expires == null ? "" : ", expiring " + expires));
                    out.println("key (shown once; send it as 'Authorization: Bearer <key>' or NOMMER_API_KEY):");
                    out.println(c.token());
                }
                case "list" -> {
                    for (ApiKey k : keys.list(a.single("tenant").orElse(null))) {
                        out.printf(
                                Locale.ROOT,
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
                case "revoke" -> {
                    if (a.positional.size() != 2) {
                        throw new IllegalArgumentException("keys revoke needs the key's ID");
                    }
                    ApiKey k = keys.revoke(a.positional.get(1))
                            .orElseThrow(() -> new IllegalArgumentException("no key " + a.positional.get(1)));
                    out.println("revoked key " + k.id() + " of tenant " + k.tenant() + " at " + k.revokedAt());
                }
                default ->
                    throw new IllegalArgumentException("keys needs create, list or revoke, not '" + action + "'");
            }
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--expires must be a time such as 2027-01-31T00:00:00Z");
        }
        return 0;
    }

    /** A client of the server {@code --server} names, with the key {@code --api-key} or NOMMER_API_KEY gives. */
    private static NommerClient client(Args a) {
        return new NommerClient(server(a), a.single("api-key").orElse(System.getenv("NOMMER_API_KEY")));
    }

    private static URI server(Args a) {
        String s = a.single("server").orElse(System.getenv().getOrDefault("NOMMER_SERVER", "http://127.0.0.1:8080"));
        return URI.create(s);
    }

    /** Options ({@code --name value}, {@code --flag}) and positional arguments. */
    record Args(Map<String, List<String>> options, List<String> positional) {
        private static final java.util.Set<String> FLAGS =
                java.util.Set.of("wait", "allow-private-networks", "allow_private_networks", "admin");

        static Args parse(String[] argv, int from) {
            Map<String, List<String>> opts = new LinkedHashMap<>();
            List<String> pos = new ArrayList<>();
            for (int i = from; i < argv.length; i++) {
                String s = argv[i];
                if (s.startsWith("--")) {
                    String name = s.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else if (FLAGS.contains(name)) {
                        value = "true";
                    } else if (i + 1 < argv.length) {
                        value = argv[++i];
                    } else {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    opts.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    pos.add(s);
                }
            }
            return new Args(opts, pos);
        }

        java.util.Optional<String> single(String name) {
            List<String> v = options.get(name);
            return v == null ? java.util.Optional.empty() : java.util.Optional.of(v.get(v.size() - 1));
        }
    }
}
