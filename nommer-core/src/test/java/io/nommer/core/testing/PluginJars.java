package io.nommer.core.testing;

import io.nommer.core.encode.EncoderPlugins;
import io.nommer.core.encode.EncoderProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Encoder plug-in jars made at test time, as a plug-in's author would make them: Java sources compiled with the JDK's
 * compiler against nommer-core alone, packed into a jar with the services file that registers their providers.
 */
public final class PluginJars {
    private PluginJars() {}

    /**
     * Compiles {@code sources} and packs their classes into {@code folder/jarName}.
     *
     * @param sources Java source by fully qualified class name
     * @param providers the class names the services file lists (none: the jar has no services file)
     */
    public static Path build(Path folder, String jarName, Map<String, String> sources, List<String> providers)
            throws IOException {
        Path work = Files.createTempDirectory(folder.getParent() == null ? folder : folder.getParent(), "plugin-src");
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file);
        }
        compile(files, classes);
        Files.createDirectories(folder);
        Path jar = folder.resolve(jarName);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, manifest);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path c : walk.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(c));
                j.closeEntry();
            }
            if (!providers.isEmpty()) {
                j.putNextEntry(new JarEntry(EncoderPlugins.SERVICES_FILE));
                j.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }

    /** A file named like a jar that is not one (a truncated download, say). */
    public static Path broken(Path folder, String jarName) throws IOException {
        Files.createDirectories(folder);
        return Files.writeString(folder.resolve(jarName), "not a zip file at all");
    }

    private static void compile(List<Path> files, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("these tests build a plug-in and need a JDK, not a JRE");
        }
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
            List<String> options =
                    List.of("-classpath", codeSource(EncoderProvider.class), "-d", classes.toString(), "-proc:none");
            if (!javac.getTask(log, fm, null, options, null, units).call()) {
                throw new IllegalStateException("the test plug-in does not compile:\n" + log);
            }
        }
    }

    /** Where nommer-core's classes are (a directory in the reactor, or its jar). */
    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
