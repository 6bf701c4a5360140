package io.nommer.server.players;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the test page and the players are: the page in {@code src/test/players}, the players (hls.js, dash.js, Shaka
 * Player, at the versions package-lock.json pins) in {@code target/players/node_modules}, installed there by the
 * Maven build's {@code npm ci} (src/test/players/install.sh) so that {@code mvn clean} removes them.
 */
final class PlayerFiles {
    /** Surefire runs tests in the module's directory. */
    static final Path PAGE = Path.of("src/test/players").toAbsolutePath();

    static final Path NODE_MODULES = Path.of("target/players/node_modules").toAbsolutePath();

    private PlayerFiles() {}

    /** Skips the calling test when the players are not installed, or fails it when {@code CI=true}. */
    static void require() {
        for (String player : new String[] {"hls.js", "dashjs", "shaka-player"}) {
            if (!Files.isDirectory(NODE_MODULES.resolve(player))) {
                String message = NODE_MODULES.resolve(player) + " is missing: the build installs the players with npm"
                        + " ci in process-test-resources (is npm installed? Debian: apt-get install nodejs npm)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    Assertions.fail(message + " (CI=true: missing players fail the build instead of skipping tests)");
                }
                Assumptions.abort(message);
            }
        }
    }
}
