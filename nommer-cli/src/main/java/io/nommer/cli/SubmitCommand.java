package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nommer submit}: one input, one output per preset. Everything the server can judge without the input (the
 * presets, the cloud) is asked first, so that a mistake costs no upload.
 */
@Command(
        name = "submit",
        description = {
            "Submit a job: one input, an output per --preset.",
            "FILE is uploaded first; a URL or URI is passed on for the server to read.",
            "The presets and the cloud are checked with the server before anything is uploaded.",
        },
        footer = {
            "",
            "Examples:",
            "  nommer submit clip.mp4 --preset mp4-h264 --preset thumbnails --wait",
            "  nommer submit https://example.com/in.mov --preset hls-ladder --set segment_time=4",
            "  nommer submit clip.mp4 --preset pal-sd-mpeg2 --set display_aspect_ratio=16:9 --set watermark_url=logo.png",
        })
final class SubmitCommand extends ApiCommand {

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "FILE|URL",
            description = "A local file (uploaded first), or an input URI the server reads itself: upload:ID,"
                    + " file:///path under its input_roots, s3://bucket/key, http(s)://...")
    String source;

    @Option(
            names = "--preset",
            required = true,
            paramLabel = "NAME",
            description = "An output of this built-in preset or stored profile; repeat for more outputs (see"
                    + " `nommer presets`)")
    List<String> presets;

    @Option(
            names = "--set",
            paramLabel = "FIELD=VALUE",
            description = "Override a profile field in every output (--set fps=30000/1001, --set interlaced=true);"
                    + " numbers and true/false are sent as such. --set watermark_url=FILE uploads a local picture.")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--priority",
            paramLabel = "LEVEL",
            converter = Priority.class,
            completionCandidates = Priority.class,
            description = "high, normal or low (default: normal)")
    String priority;

    @Option(
            names = "--cloud",
            paramLabel = "NAME",
            description = "The cloud (pool of workers) to run the job (default: default; see `nommer clouds`)")
    String cloud;

    @Option(names = "--wait", description = "Follow the job until it finishes (Ctrl-C stops following, not the job)")
    boolean wait;

    SubmitCommand(Context ctx) {
        super(ctx);
    }

    /** The job priorities. */
    static final class Priority extends ApiCommand.Choices {
        private static final long serialVersionUID = 1;

        Priority() {
            super("high", "normal", "low");
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, JsonNode> overrides = overrides(sets);
        Path input = localFile(source, "FILE|URL");
        Path watermark = overrides.get("watermark_url") instanceof TextNode mark
                ? localFile(mark.asText(), "--set watermark_url")
                : null;
        NommerClient client = server.client(ctx);
        checkPresets(client);
        checkCloud(client);

        String inputUri = input == null ? source : upload(client, input);
        if (watermark != null) {
            overrides.put("watermark_url", TextNode.valueOf(upload(client, watermark)));
        }
        ObjectNode job = client.mapper().createObjectNode();
        job.put("input", inputUri);
        ArrayNode outputs = job.putArray("outputs");
        presets.forEach(p -> outputs.addObject().put("preset", p).setAll(overrides));
        if (priority != null) {
            job.put("priority", priority);
        }
        if (cloud != null) {
            job.put("cloud", cloud);
        }
        JsonNode created = client.submit(job);
        String id = created.path("id").asText();
        if (json) {
            ctx.out().println(created);
        } else {
            ctx.out().println("submitted job " + id);
            if (created.hasNonNull("owner_token")) {
                ctx.out()
                        .println("owner token (shown once; reads the job's encryption keys): "
                                + created.path("owner_token").asText());
            }
        }
        if (!wait) {
            if (!json) {
                ctx.out().println("follow it with: nommer watch " + id + server.repeat());
            }
            return ExitCode.OK;
        }
        return JobCommands.finish(ctx, new Follow(ctx, client, json, server.repeat()).until(id), json, false);
    }

    /**
     * The local file {@code source} names, or null when it is a URI for the server to read.
     *
     * @throws ParameterException when it names neither a file nor a URI
     */
    private Path localFile(String value, String what) {
        Path file = Path.of(value);
        if (Files.isDirectory(file)) {
            throw usage(value + " is a directory; submit takes one file or URL. To encode every file in it: for f in "
                    + value + "/*; do nommer submit \"$f\" --preset ...; done");
        }
        if (Files.isRegularFile(file)) {
            return file;
        }
        if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.+")) {
            return null;
        }
        throw usage(what + " names no such file: " + value);
    }

    /** Each preset must be a built-in preset or a stored profile the server knows. */
    private void checkPresets(NommerClient client) throws IOException, InterruptedException {
        Map<String, Views.Preset> known = new LinkedHashMap<>();
        for (JsonNode p : client.get("/v1/presets").path("presets")) {
            Views.Preset preset = Views.read(p, Views.Preset.class);
            known.put(preset.name(), preset);
        }
        Set<String> unknown = new TreeSet<>();
        for (String name : presets) {
            Views.Preset p = known.get(name);
            if (p == null && !storedProfile(client, name)) {
                unknown.add(name);
            } else if (p != null && !p.runnable()) {
                ctx.err()
                        .println("nommer: warning: the server's ffmpeg cannot run preset " + name + " (it lacks "
                                + String.join(", ", p.missing()) + "); it fails unless a worker elsewhere can");
            }
        }
        if (!unknown.isEmpty()) {
            throw usage((unknown.size() == 1 ? "unknown preset " : "unknown presets ") + String.join(", ", unknown)
                    + " (presets: " + String.join(", ", known.keySet()) + "; stored profiles: `nommer presets`)");
        }
    }

    private static boolean storedProfile(NommerClient client, String name) throws IOException, InterruptedException {
        try {
            client.get("/v1/profiles/" + NommerClient.segment(name));
            return true;
        } catch (NommerClient.ApiError e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** The cloud must exist; a tenant's key may not list clouds, and then the server judges it at submission. */
    private void checkCloud(NommerClient client) throws IOException, InterruptedException {
        if (cloud == null) {
            return;
        }
        try {
            client.get("/v1/clouds/" + NommerClient.segment(cloud));
        } catch (NommerClient.ApiError e) {
            if (e.status() == 404) {
                throw usage("unknown cloud " + cloud + " (see `nommer clouds`)");
            }
            if (e.status() != 403) {
                throw e;
            }
        }
    }

    /** Uploads a file; on a terminal with a bar redrawn in place a few times a second. */
    private String upload(NommerClient client, Path file) throws IOException, InterruptedException {
        long size = Files.size(file);
        if (json) {
            return client.upload(file).path("uri").asText();
        }
        if (!ctx.terminal().interactive()) {
            ctx.out().println("uploading " + file + " (" + Format.bytes(size) + ")");
            return client.upload(file).path("uri").asText();
        }
        String name = file.getFileName().toString();
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong drawn = new java.util.concurrent.atomic.AtomicLong();
        JsonNode upload = client.upload(file, sent -> {
            long now = System.nanoTime();
            if (now - drawn.get() > 200_000_000L) { // why: redrawn at most five times a second
                drawn.set(now);
                ctx.out()
                        .print("\r\033[2K"
                                + ProgressView.upload(
                                        name,
                                        sent,
                                        size,
                                        now - start,
                                        ctx.terminal().columns()));
                ctx.out().flush();
            }
        });
        ctx.out()
                .println("\r\033[2K"
                        + ProgressView.upload(
                                name,
                                size,
                                size,
                                System.nanoTime() - start,
                                ctx.terminal().columns()));
        return upload.path("uri").asText();
    }

    /** {@code FIELD=VALUE} pairs as JSON: numbers, booleans and quoted strings as JSON reads them, else a string. */
    private Map<String, JsonNode> overrides(List<String> pairs) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw usage("--set needs FIELD=VALUE, not '" + pair + "'");
            }
            String value = pair.substring(eq + 1);
            JsonNode node;
            try {
                node = Views.mapper().readTree(value);
            } catch (IOException e) {
                node = null;
            }
            boolean scalar = node != null && (node.isNumber() || node.isBoolean() || node.isTextual());
            fields.put(pair.substring(0, eq), scalar ? node : TextNode.valueOf(value));
        }
        return fields;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
