package io.nommer.server;

import io.nommer.core.stack.Stack;
import io.nommer.core.stack.StackCatalog;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfmpegCapabilities;
import io.nommer.ffmpeg.FfmpegStacks;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.config.StackSettings;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stacks this process has, found at start-up: each configured one's binaries run and checked against its
 * declared version, or without the {@code stacks} setting the one made from the {@code ffmpeg} and {@code ffprobe}
 * settings (or {@code PATH}), named after its version. Part of the composition root.
 *
 * @param stacks the default first
 */
record Toolchains(List<Detected> stacks) {
    private static final Logger log = LoggerFactory.getLogger(Toolchains.class);

    /** A stack with the binaries that make it and what its ffmpeg can do. */
    record Detected(Stack stack, FfmpegBinaries binaries, FfmpegCapabilities capabilities) {}

    Toolchains {
        stacks = List.copyOf(stacks);
    }

    /**
     * @throws IllegalArgumentException naming the setting when a stack's binary is missing, is not executable or
     *     reports another version than declared, or when {@code default_stack} names no stack
     * @throws IllegalStateException when a binary cannot be run
     */
    static Toolchains detect(ServerConfig config) {
        StackSettings settings = config.stacks();
        List<Detected> found = new ArrayList<>();
        if (settings.stacks().isEmpty()) {
            FfmpegBinaries binaries = FfmpegBinaries.resolve(config.ffmpeg(), config.ffprobe());
            FfmpegStacks.Detected d = FfmpegStacks.detect(null, binaries, null, "ffmpeg, ffprobe");
            if (settings.defaultStack() != null
                    && !settings.defaultStack().equals(d.stack().name())) {
                throw new IllegalArgumentException("default_stack is '" + settings.defaultStack() + "', but without "
                        + "the stacks setting the one stack is " + d.stack().name() + " (named after the version of "
                        + "ffmpeg at " + binaries.ffmpeg() + "); set stacks to name others");
            }
            found.add(new Detected(d.stack(), binaries, d.capabilities()));
        } else {
            for (StackSettings.Declared s : settings.stacks()) {
                FfmpegBinaries binaries;
                try {
                    binaries = FfmpegBinaries.resolve(s.ffmpeg(), s.ffprobe());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "stack " + s.name() + " (" + s.setting() + "): " + e.getMessage(), e);
                }
                FfmpegStacks.Detected d = FfmpegStacks.detect(s.name(), binaries, s.version(), s.setting());
                Detected detected = new Detected(d.stack(), binaries, d.capabilities());
                if (s.name().equals(settings.defaultStack())) {
                    found.add(0, detected);
                } else {
                    found.add(detected);
                }
            }
        }
        for (Detected d : found) {
            log.info(
                    "stack {}{}: {}",
                    d.stack().name(),
                    d == found.get(0) ? " (default)" : "",
                    d.capabilities().summary());
        }
        return new Toolchains(found);
    }

    Detected defaultStack() {
        return stacks.get(0);
    }

    /** The stacks outputs may name here, and the default. */
    StackCatalog catalog() {
        return new StackCatalog(
                defaultStack().stack().name(),
                stacks.stream().map(Detected::stack).toList());
    }
}
