package io.nommer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code nommer <args>} in a JVM of its own, as a user's separate process would, logging to a file. */
final class NommerJvm {
    private NommerJvm() {}

    /**
     * @param settings passed as {@code --key value} after {@code args}
     */
    static Process start(Path log, Map<String, String> settings, String... args) throws IOException {
        return start(log, settings, Map.of(), args);
    }

    /** @param env added to the child's environment */
    static Process start(Path log, Map<String, String> settings, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        settings.forEach((k, v) -> cmd.addAll(List.of("--" + k, v)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }
}
