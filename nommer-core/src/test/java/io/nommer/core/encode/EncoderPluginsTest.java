package io.nommer.core.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.encode.noop.NullEncoder;
import io.nommer.core.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoder plug-ins compiled and packed here, loaded as the worker and the server load them. */
class EncoderPluginsTest {
    private static final EncoderContext CONTEXT = new EncoderContext(null, null, 1920 * 1080, Duration.ZERO);

    @TempDir
    Path tmp;

    /** A provider's source: {@code name}, {@code needsInput}, and the body of {@code create(EncoderContext c)}. */
    private static String provider(String cls, String name, boolean needsInput, String create) {
        return """
                package test.plugin;

                import io.nommer.core.encode.*;
                import java.nio.file.*;
                import java.util.List;

                public final class %s implements EncoderProvider {
                    public String name() { return %s; }
                    public boolean needsInput() { return %s; }
                    public Encoder create(EncoderContext c) { %s }
                }
                """.formatted(cls, name == null ? "null" : "\"" + name + "\"", needsInput, create);
    }

    /** An encoder that writes one text file naming the task, the request's base name and the context's limit. */
    private static final String ECHO = """
            return (request, progress, cancel) -> {
                try {
                    Path out = request.outDir().resolve(request.baseName() + ".txt");
                    Files.writeString(out, "echo " + request.taskId() + " " + c.maxInputPixels());
                    progress.progress(100);
                    return new EncodeResult(List.of(new PlannedFile(out, PlannedFile.OTHER)), 0.5);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };""";

    private Path plugins() {
        return tmp.resolve("plugins");
    }

    private Path jar(String jarName, String cls, String source) throws Exception {
        return PluginJars.build(
                plugins(), jarName, Map.of("test.plugin." + cls, source), List.of("test.plugin." + cls));
    }

    @Test
    void load_withoutAFolder_findsTheBuiltInNullEncoder() {
        EncoderPlugins loaded = EncoderPlugins.load(null);

        EncoderPlugins.Plugin nul = loaded.require(NullEncoder.NAME);
        assertThat(nul.needsInput()).isFalse();
        assertThat(nul.jar()).isNull();
        assertThat(nul.source()).isEqualTo("built-in");
        assertThat(nul.create(CONTEXT)).isInstanceOf(NullEncoder.class);
    }

    @Test
    void load_aPluginJar_registersItsEncoder_whichEncodes() throws Exception {
        Path jar = jar("echo.jar", "EchoProvider", provider("EchoProvider", "echo", true, ECHO));

        EncoderPlugins loaded = EncoderPlugins.load(plugins());

        EncoderPlugins.Plugin echo = loaded.require("echo");
        assertThat(echo.jar()).isEqualTo(jar);
        assertThat(echo.source()).isEqualTo("echo.jar");
        assertThat(echo.needsInput()).isTrue();
        assertThat(loaded.loaded()).extracting(EncoderPlugins.Plugin::name).containsExactly("echo", "null");
        Path out = Files.createDirectories(tmp.resolve("out"));
        EncodeResult result = echo.create(CONTEXT)
                .encode(
                        new EncodeRequest("tsk_1", null, null, null, out, "speech", Duration.ofMinutes(1)),
                        p -> {},
                        new Cancellation());
        assertThat(result.files()).containsExactly(new PlannedFile(out.resolve("speech.txt"), PlannedFile.OTHER));
        assertThat(out.resolve("speech.txt")).hasContent("echo tsk_1 " + 1920 * 1080);
    }

    @Test
    void require_anUnknownName_listsTheLoadedEncoders() throws Exception {
        jar("echo.jar", "EchoProvider", provider("EchoProvider", "echo", true, ECHO));
        EncoderPlugins loaded = EncoderPlugins.load(plugins());

        assertThatThrownBy(() -> loaded.require("ffmpge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder 'ffmpge' is not loaded")
                .hasMessageContaining("echo (echo.jar), null (built-in)")
                .hasMessageContaining(plugins().toString());
    }

    @Test
    void load_aFileThatIsNotAJar_isAnErrorNamingIt() throws Exception {
        PluginJars.broken(plugins(), "truncated.jar");

        assertThatThrownBy(() -> EncoderPlugins.load(plugins()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins: " + plugins().resolve("truncated.jar"))
                .hasMessageContaining("cannot be read as a jar");
    }

    @Test
    void load_aJarWithoutServicesFile_isAnErrorNamingIt() throws Exception {
        PluginJars.build(
                plugins(),
                "library.jar",
                Map.of("test.plugin.EchoProvider", provider("EchoProvider", "echo", true, ECHO)),
                List.of());

        assertThatThrownBy(() -> EncoderPlugins.load(plugins()))
                .hasMessageContaining("library.jar registers no encoder")
                .hasMessageContaining(EncoderPlugins.SERVICES_FILE);
    }

    @Test
    void load_aServicesFileNamingAMissingClass_isAnErrorNamingTheJar() throws Exception {
        PluginJars.build(
                plugins(),
                "typo.jar",
                Map.of("test.plugin.EchoProvider", provider("EchoProvider", "echo", true, ECHO)),
                List.of("test.plugin.EchoProvidr"));

        assertThatThrownBy(() -> EncoderPlugins.load(plugins()))
                .hasMessageContaining("plugins: " + plugins().resolve("typo.jar"))
                .hasMessageContaining("cannot be loaded")
                .hasMessageContaining("test.plugin.EchoProvidr");
    }

    @Test
    void load_aProviderWhoseConstructorFails_isAnErrorNamingTheJar() throws Exception {
        jar("fragile.jar", "Fragile", """
                package test.plugin;

                public final class Fragile implements io.nommer.core.encode.EncoderProvider {
                    public Fragile() { throw new IllegalStateException("no licence file"); }
                    public String name() { return "fragile"; }
                    public boolean needsInput() { return true; }
                    public io.nommer.core.encode.Encoder create(io.nommer.core.encode.EncoderContext c) {
                        return null;
                    }
                }
                """);

        assertThatThrownBy(() -> EncoderPlugins.load(plugins()))
                .hasMessageContaining("plugins: " + plugins().resolve("fragile.jar"))
                .hasMessageContaining("no licence file");
    }

    @Test
    void load_anInvalidName_isRefused() throws Exception {
        jar("shouty.jar", "Shouty", provider("Shouty", "Shouty Encoder", true, ECHO));

        assertThatThrownBy(() -> EncoderPlugins.load(plugins()))
                .hasMessageContaining("shouty.jar")
                .hasMessageContaining("is named 'Shouty Encoder'");
    }

    @Test
    void load_aNameTakenTwice_isRefusedNamingBoth() throws Exception {
        jar("impostor.jar", "Impostor", provider("Impostor", "null", false, ECHO));

        assertThatThrownBy(() -> EncoderPlugins.load(plugins()))
                .hasMessageContaining("encoder name 'null' is registered twice")
                .hasMessageContaining("NullEncoderProvider (built-in)")
                .hasMessageContaining("test.plugin.Impostor (impostor.jar)");
    }

    @Test
    void load_aFolderThatIsNotOne_isRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("plugins.txt"), "");

        assertThatThrownBy(() -> EncoderPlugins.load(file))
                .hasMessageContaining("plugins: " + file + " is not a directory");
        assertThatThrownBy(() -> EncoderPlugins.load(tmp.resolve("missing")))
                .hasMessageContaining("is not a directory");
    }

    @Test
    void load_ignoresFilesThatAreNotJars() throws Exception {
        Files.createDirectories(plugins());
        Files.writeString(plugins().resolve("README.txt"), "plug-ins go here");

        assertThat(EncoderPlugins.load(plugins()).loaded())
                .extracting(EncoderPlugins.Plugin::name)
                .containsExactly("null");
    }

    @Test
    void create_whenTheProviderRefuses_namesTheEncoderAndItsJar() throws Exception {
        jar("picky.jar", "Picky", provider("Picky", "picky", true, """
                throw new IllegalArgumentException("picky needs a GPU");"""));
        EncoderPlugins.Plugin picky = EncoderPlugins.load(plugins()).require("picky");

        assertThatThrownBy(() -> picky.create(CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoder picky (picky.jar) cannot start: picky needs a GPU");
    }

    @Test
    void create_anEncoderThatDisagreesAboutReadingInput_isRefused() throws Exception {
        // the provider says it needs no input (batch claims), but its encoder would want the input fetched
        jar("confused.jar", "Confused", provider("Confused", "confused", false, ECHO));
        EncoderPlugins.Plugin confused = EncoderPlugins.load(plugins()).require("confused");

        assertThatThrownBy(() -> confused.create(CONTEXT))
                .hasMessageContaining("encoder confused (confused.jar): its provider says it does not read the input, "
                        + "but the encoder it created does");
    }
}
