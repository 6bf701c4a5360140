package io.nommer.server.players;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What player.js posts after a run: the steps it got through, every error event the player raised, and the media
 * element's state at the end.
 *
 * @param failure null when every step passed; otherwise {@code "<step>: <why>"}
 * @param errors each as the player describes it (their shapes differ by player), with {@code fatal} and {@code ms}
 */
record PlayResult(
        String id,
        String player,
        String playerVersion,
        String src,
        String userAgent,
        String failure,
        List<Step> steps,
        List<JsonNode> errors,
        JsonNode state) {

    /** @param ms since the page started */
    record Step(String step, long ms, JsonNode detail) {}
}
