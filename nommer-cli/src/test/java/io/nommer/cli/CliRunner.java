package io.nommer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@code nommer} in this JVM as a user would type it, and keeps what it printed. */
final class CliRunner {
    private CliRunner() {}

    record Run(int code, String out, String err) {}

    /** {@code nommer args} with the environment {@code env}, as if on {@code terminal}. */
    static Run run(Map<String, String> env, Terminal terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new Context(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        env,
                        terminal))
                .run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
