package io.nommer.core.stack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named, versioned toolchain (Panda's "stack"): the ffmpeg and ffprobe binaries with the versions they report, the
 * segmenter and manifester nommer runs with them (nommer's own code, named with nommer's version), and which of the
 * encoders, muxers and filters nommer uses the ffmpeg has. A profile that names a stack runs only on workers that have
 * it, so an upgrade elsewhere in the farm never changes what it makes.
 *
 * @param tools in order: ffmpeg, ffprobe, segmenter, manifester
 * @param encoders the encoders nommer uses that this ffmpeg has (likewise {@code muxers} and {@code filters})
 */
public record Stack(String name, List<Tool> tools, List<String> encoders, List<String> muxers, List<String> filters) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * One tool of a stack.
     *
     * @param path where the binary is on the worker that reported it; null for nommer's own code
     * @param version what the tool reports ({@code 5.1.9-0+deb12u1}), or {@code nommer-0.1.0} for nommer's own
     */
    public record Tool(String name, String path, String version) {
        public Tool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
        }
    }

    public Stack {
        if (!validName(name)) {
            throw new IllegalArgumentException(nameRule(name));
        }
        tools = List.copyOf(tools);
        encoders = List.copyOf(encoders);
        muxers = List.copyOf(muxers);
        filters = List.copyOf(filters);
    }

    /** Whether {@code name} may name a stack: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The message for a name that is not one ({@link #validName}). */
    public static String nameRule(String name) {
        return "stack names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, not '" + name + "'";
    }

    /** Each tool's name and exact version, in order ({@code ffmpeg -> 5.1.9-0+deb12u1}), as outputs record them. */
    public Map<String, String> versions() {
        Map<String, String> m = new LinkedHashMap<>();
        tools.forEach(t -> m.put(t.name(), t.version()));
        return m;
    }

    /** This stack without the tools' paths: where a binary is on a worker is the operator's business. */
    public Stack withoutPaths() {
        return new Stack(
                name,
                tools.stream().map(t -> new Tool(t.name(), null, t.version())).toList(),
                encoders,
                muxers,
                filters);
    }
}
