package io.nommer.server.api;

import io.nommer.core.command.CustomCommand;
import io.nommer.core.encode.EncoderPlugins;
import io.nommer.core.encode.Toolchain;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.service.NotFoundException;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/presets}, {@code /v1/capabilities} and {@code /v1/command-allowlist}: what this installation can encode,
 * with which encoders, and what a stored profile's command may say.
 */
public final class ToolchainApi {
    private final Toolchain toolchain;
    private final boolean s3;
    private final Sandbox sandbox;
    private final List<EncoderView> encoders;
    private final String encoder;

    /**
     * How ffmpeg and ffprobe run here.
     *
     * @param mode {@code bwrap} or {@code off}: what is in effect
     * @param setting the {@code sandbox} setting ({@code auto}, {@code bwrap}, {@code off})
     * @param reason why this mode
     * @param cpuSeconds the CPU seconds each process may use ({@code encode_cpu_seconds}); null: no limit
     * @param memoryBytes the address space each process may map ({@code encode_memory_bytes}); null: no limit
     * @param limitsEnforced false when limits are set but this machine cannot apply them (no prlimit)
     */
    public record Sandbox(
            String mode, String setting, String reason, Long cpuSeconds, Long memoryBytes, boolean limitsEnforced) {}

    /**
     * @param s3 whether S3 storage is configured
     * @param sandbox how ffmpeg and ffprobe are confined
     * @param encoders the encoders loaded at start
     * @param encoder the one this process's workers run (the {@code encoder} setting)
     */
    public ToolchainApi(Toolchain toolchain, boolean s3, Sandbox sandbox, EncoderPlugins encoders, String encoder) {
        this.toolchain = toolchain;
        this.s3 = s3;
        this.sandbox = sandbox;
        this.encoders = encoders.loaded().stream()
                .map(p -> new EncoderView(
                        p.name(),
                        p.needsInput(),
                        p.jar() == null ? "built-in" : "plugin",
                        p.jar() == null ? null : p.jar().getFileName().toString()))
                .toList();
        this.encoder = encoder;
    }

    /**
     * A loaded encoder.
     *
     * @param source {@code built-in} (on nommer's class path) or {@code plugin} (a jar in the plugins folder)
     * @param jar the plug-in jar's file name; null for built-in encoders
     */
    record EncoderView(String name, boolean readsInput, String source, String jar) {}

    /**
     * A built-in preset and whether this installation can run it.
     *
     * @param missing what it needs that this installation lacks, when it cannot run
     */
    record PresetView(String name, boolean runnable, List<String> missing, Profile profile) {}

    record PresetList(List<PresetView> presets) {}

    /** Whether a preset can run here, and if not, why. */
    record Runnability(boolean runnable, List<String> missing) {}

    /** @param encoder the encoder this process's workers run; {@code encoders} every one loaded */
    record Capabilities(
            Toolchain.Report ffmpeg,
            Sandbox sandbox,
            String encoder,
            List<EncoderView> encoders,
            Map<String, Runnability> presets,
            List<String> inputSchemes,
            List<String> outputSchemes) {}

    public void register(Router r) {
        r.add(
                "GET",
                "/v1/presets",
                req -> Response.ok(new PresetList(Presets.all().entrySet().stream()
                        .map(e -> preset(e.getKey(), e.getValue()))
                        .toList())));
        r.add("GET", "/v1/presets/{name}", req -> {
            String name = req.path("name");
            Profile p = Presets.find(name).orElseThrow(() -> new NotFoundException("preset " + name));
            return Response.ok(preset(name, p));
        });
        r.add("GET", "/v1/command-allowlist", req -> Response.ok(CustomCommand.allowlist()));
        r.add("GET", "/v1/capabilities", Access.ADMIN, req -> {
            Map<String, Runnability> presets = new LinkedHashMap<>();
            Presets.all().forEach((name, p) -> presets.put(name, runnable(p)));
            return Response.ok(new Capabilities(
                    toolchain.report(),
                    sandbox,
                    encoder,
                    encoders,
                    presets,
                    s3 ? List.of("upload", "file", "http", "https", "s3") : List.of("upload", "file", "http", "https"),
                    s3 ? List.of("file", "s3") : List.of("file")));
        });
    }

    private Runnability runnable(Profile p) {
        List<String> lacks = toolchain.missingFor(p);
        return new Runnability(lacks.isEmpty(), lacks.isEmpty() ? null : lacks);
    }

    private PresetView preset(String name, Profile p) {
        Runnability run = runnable(p);
        return new PresetView(name, run.runnable(), run.missing(), p);
    }
}
