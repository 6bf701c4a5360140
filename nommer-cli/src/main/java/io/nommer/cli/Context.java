package io.nommer.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What every command runs with: where it prints, the environment it reads ({@code NOMMER_SERVER}, {@code
 * NOMMER_API_KEY}, the server's {@code NOMMER_*} settings), and whether a person watches.
 */
record Context(PrintStream out, PrintStream err, Map<String, String> env, Terminal terminal) {
    Context {
        env = Map.copyOf(env);
    }
}
