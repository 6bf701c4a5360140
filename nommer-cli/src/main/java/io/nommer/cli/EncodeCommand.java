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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that makes jobs (submit, batch): the outputs' presets and fields, priority and cloud, checked with the
 * server before anything is uploaded, so that a mistake costs no upload.
 */
abstract class EncodeCommand extends ApiCommand {

    @Spec
    CommandSpec spec;

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

    EncodeCommand(Context ctx) {
        super(ctx);
    }

    /** The presets and the cloud, asked of the server before anything is uploaded. */
    void checkWithServer(NommerClient client) throws IOException, InterruptedException {
        checkPresets(client);
        checkCloud(client);
    }

    /** A job of {@code input} with an output per preset, each with {@code overrides}. */
    ObjectNode job(NommerClient client, String input, Map<String, JsonNode> overrides) {
        ObjectNode job = client.mapper().createObjectNode();
        job.put("input", input);
        ArrayNode outputs = job.putArray("outputs");
        presets.forEach(p -> outputs.addObject().put("preset", p).setAll(overrides));
        if (priority != null) {
            job.put("priority", priority);
        }
        if (cloud != null) {
            job.put("cloud", cloud);
        }
        return job;
    }

    /** The job priorities. */
    static final class Priority extends ApiCommand.Choices {
        private static final long serialVersionUID = 1;

        Priority() {
            super("high", "normal", "low");
        }
    }

    /** Each preset must be a built-in preset or a stored profile the server knows. */
    void checkPresets(NommerClient client) throws IOException, InterruptedException {
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
    void checkCloud(NommerClient client) throws IOException, InterruptedException {
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
    String upload(NommerClient client, Path file) throws IOException, InterruptedException {
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
    Map<String, JsonNode> overrides(List<String> pairs) {
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

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
