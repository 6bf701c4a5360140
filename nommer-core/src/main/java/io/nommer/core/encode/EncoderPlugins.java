package io.nommer.core.encode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The encoders this process can run: every {@link EncoderProvider} registered on nommer's own class path (the ffmpeg
 * and null encoders, and any jar put there) and in each jar of the {@code plugins} folder, found with
 * {@link ServiceLoader}. Each plug-in jar gets a class loader of its own whose parent is nommer's, so a plug-in sees
 * nommer's classes but not another plug-in's, and carries its own libraries inside its jar. The loaders stay open
 * for the life of the process.
 *
 * <p>Everything that can go wrong is found at start: a jar that cannot be read or registers no encoder, a provider
 * that cannot be loaded or constructed, a name that is invalid or taken twice. Each is an
 * {@link IllegalArgumentException} naming the jar (or the class path) and the {@code plugins} setting.
 */
public final class EncoderPlugins {
    /** Where a jar registers its providers, one class name a line. */
    public static final String SERVICES_FILE = "META-INF/services/" + EncoderProvider.class.getName();

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * One loaded encoder.
     *
     * @param name its {@link EncoderProvider#name()}
     * @param needsInput its {@link EncoderProvider#needsInput()}
     * @param jar the plug-in jar it came from, or null when it is on nommer's class path (built in)
     */
    public record Plugin(String name, boolean needsInput, Path jar, EncoderProvider provider) {
        /** {@code built-in}, or the plug-in jar's file name: where the encoder came from, for people. */
        public String source() {
            return jar == null ? "built-in" : jar.getFileName().toString();
        }

        /**
         * Creates the encoder with its provider.
         *
         * @throws IllegalArgumentException naming the encoder when its provider refuses the configuration or fails,
         *     or when the encoder it made disagrees with the provider about reading the input
         */
        public Encoder create(EncoderContext context) {
            Encoder encoder;
            try {
                encoder = provider.create(context);
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalArgumentException(
                        "encoder " + name + " (" + source() + ") cannot start: " + message(e), e);
            }
            if (encoder == null) {
                throw new IllegalArgumentException("encoder " + name + " (" + source() + "): "
                        + provider.getClass().getName() + ".create returned null");
            }
            if (encoder.needsInput() != needsInput) {
                throw new IllegalArgumentException("encoder " + name + " (" + source() + "): its provider says it "
                        + (needsInput ? "reads" : "does not read") + " the input, but the encoder it created "
                        + (needsInput ? "does not" : "does"));
            }
            return encoder;
        }
    }

    private final List<Plugin> loaded;
    private final Path folder;

    private EncoderPlugins(List<Plugin> loaded, Path folder) {
        this.loaded = List.copyOf(loaded);
        this.folder = folder;
    }

    /**
     * Finds the encoders on nommer's class path and in {@code folder}'s jars ({@code *.jar}; other files are
     * ignored).
     *
     * @param folder the {@code plugins} folder, or null for the built-in encoders alone
     * @throws IllegalArgumentException when the folder is not a readable directory, or a jar or provider is broken
     *     (the message names it)
     */
    public static EncoderPlugins load(Path folder) {
        return load(folder, EncoderPlugins.class.getClassLoader());
    }

    static EncoderPlugins load(Path folder, ClassLoader parent) {
        Map<String, Plugin> byName = new LinkedHashMap<>();
        List<EncoderProvider> builtIn;
        try {
            builtIn = ServiceLoader.load(EncoderProvider.class, parent).stream()
                    .map(ServiceLoader.Provider::get)
                    .toList();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            throw new IllegalArgumentException(
                    "an encoder provider on nommer's class path cannot be loaded: " + message(e), e);
        }
        for (EncoderProvider p : builtIn) {
            add(byName, describe(p, null));
        }
        if (folder != null) {
            for (Path jar : jars(folder)) {
                for (EncoderProvider p : providersIn(jar, parent)) {
                    add(byName, describe(p, jar));
                }
            }
        }
        List<Plugin> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparing(Plugin::name));
        return new EncoderPlugins(sorted, folder);
    }

    /** Every loaded encoder, by name. */
    public List<Plugin> loaded() {
        return loaded;
    }

    /**
     * The encoder the {@code encoder} setting names.
     *
     * @throws IllegalArgumentException listing the loaded encoders when none has that name
     */
    public Plugin require(String name) {
        return loaded.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("encoder '" + name + "' is not loaded; loaded "
                        + "encoders: " + describeAll()
                        + (folder == null
                                ? " (no plugins folder)"
                                : " (plug-in jars are read from the plugins folder " + folder + ")")));
    }

    private String describeAll() {
        return String.join(
                ", ",
                loaded.stream().map(p -> p.name() + " (" + p.source() + ")").toList());
    }

    private static List<Path> jars(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("plugins: " + folder + " is not a directory");
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("plugins: the folder " + folder + " cannot be read: " + message(e), e);
        }
    }

    /** The providers {@code jar} registers itself (not those its parent loader already has). */
    private static List<EncoderProvider> providersIn(Path jar, ClassLoader parent) {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(SERVICES_FILE) == null) {
                throw new IllegalArgumentException(
                        "plugins: " + jar + " registers no encoder: it has no " + SERVICES_FILE);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("plugins: " + jar + " cannot be read as a jar: " + message(e), e);
        }
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("plugins: " + jar + " cannot be named as a URL: " + message(e), e);
        }
        // why: never closed; the encoder's classes load lazily for as long as the worker runs
        URLClassLoader loader = new URLClassLoader("nommer-plugin-" + jar.getFileName(), new URL[] {url}, parent);
        List<EncoderProvider> own;
        try {
            own = ServiceLoader.load(EncoderProvider.class, loader).stream()
                    // the parent's providers are found through this loader too; they are listed as built in
                    .filter(p -> p.type().getClassLoader() == loader)
                    .map(ServiceLoader.Provider::get)
                    .toList();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            throw new IllegalArgumentException(
                    "plugins: " + jar + ": an encoder provider cannot be loaded: " + message(e), e);
        }
        if (own.isEmpty()) {
            throw new IllegalArgumentException("plugins: " + jar + " registers no encoder of its own in "
                    + SERVICES_FILE + " (the classes it names are missing from the jar or already on nommer's class "
                    + "path)");
        }
        return own;
    }

    private static Plugin describe(EncoderProvider p, Path jar) {
        String where = jar == null ? "nommer's class path" : "plugins: " + jar;
        String name;
        boolean needsInput;
        try {
            name = p.name();
            needsInput = p.needsInput();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException(
                    where + ": encoder provider " + p.getClass().getName() + " failed: " + message(e), e);
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    where + ": encoder provider " + p.getClass().getName() + " is named '" + name
                            + "', not 1-64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit");
        }
        return new Plugin(name, needsInput, jar, p);
    }

    private static void add(Map<String, Plugin> byName, Plugin p) {
        Plugin taken = byName.putIfAbsent(p.name(), p);
        if (taken != null) {
            throw new IllegalArgumentException("encoder name '" + p.name() + "' is registered twice: by "
                    + taken.provider().getClass().getName() + " (" + taken.source() + ") and by "
                    + p.provider().getClass().getName() + " (" + p.source() + ")");
        }
    }

    /** The exception's message, or its class when it has none, with its cause's for a loader's wrapper. */
    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e && (e instanceof ServiceConfigurationError || e.getMessage() == null)) {
            m += ": " + (cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage());
        }
        return m;
    }
}
