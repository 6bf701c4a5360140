package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

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
final class SubmitCommand extends EncodeCommand {

    @Parameters(
            paramLabel = "FILE|URL",
            description = "A local file (uploaded first), or an input URI the server reads itself: upload:ID,"
                    + " file:///path under its input_roots, s3://bucket/key, http(s)://...")
    String source;

    @Option(names = "--wait", description = "Follow the job until it finishes (Ctrl-C stops following, not the job)")
    boolean wait;

    SubmitCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, JsonNode> overrides = overrides(sets);
        Path input = localFile(source, "FILE|URL");
        Path watermark = overrides.get("watermark_url") instanceof TextNode mark
                ? localFile(mark.asText(), "--set watermark_url")
                : null;
        NommerClient client = server.client(ctx);
        checkWithServer(client);

        String inputUri = input == null ? source : upload(client, input);
        if (watermark != null) {
            overrides.put("watermark_url", TextNode.valueOf(upload(client, watermark)));
        }
        JsonNode created = client.submit(job(client, inputUri, overrides));
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
            throw usage(
                    value + " is a directory; submit takes one file or URL. To encode every file in it: nommer batch "
                            + value + " --preset ...");
        }
        if (Files.isRegularFile(file)) {
            return file;
        }
        if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.+")) {
            return null;
        }
        throw usage(what + " names no such file: " + value);
    }
}
