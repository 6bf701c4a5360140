package io.nommer.core.encode;

import io.nommer.core.profile.Profile;
import java.util.List;
import java.util.Map;

/** What this installation's encoder can do, for users deciding what to ask for. */
public interface Toolchain {

    /**
     * The encoder binary and which of the encoders, muxers and filters nommer's profiles use it has.
     *
     * @param encoders by name, present or not (likewise {@code muxers} and {@code filters})
     */
    record Report(
            String path,
            String version,
            Map<String, Boolean> encoders,
            Map<String, Boolean> muxers,
            Map<String, Boolean> filters) {}

    Report report();

    /** What {@code profile} needs that this installation lacks; empty when it can run. */
    List<String> missingFor(Profile profile);
}
