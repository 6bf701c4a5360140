package io.nommer.server.config;

import io.nommer.core.stack.Stack;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stacks this process has ({@code stacks}, each with {@code stacks.NAME.ffmpeg}, {@code stacks.NAME.ffprobe} and
 * {@code stacks.NAME.version}) and the one outputs without a {@code stack} run on ({@code default_stack}). Without
 * {@code stacks} there is one stack, made from the {@code ffmpeg} and {@code ffprobe} settings (or the binaries on
 * {@code PATH}) and named after the ffmpeg's version; that is checked when the binaries are run, at start-up.
 *
 * @param defaultStack with {@code stacks}: one of them (the first by default); without: null, or the name the one
 *     stack must have
 */
public record StackSettings(List<Declared> stacks, String defaultStack) {
    public static final StackSettings NONE = new StackSettings(List.of(), null);

    /**
     * One stack of the {@code stacks} setting.
     *
     * @param ffprobe null: the {@code ffprobe} beside the ffmpeg binary (on {@code PATH} when ffmpeg is a bare name)
     * @param version what both binaries must report: the whole version ({@code 5.1.9-0+deb12u1}) or its start up to a
     *     {@code .}, {@code -}, {@code +} or {@code ~} ({@code 5.1})
     */
    public record Declared(String name, String ffmpeg, String ffprobe, String version) {
        public Declared {
            if (!Stack.validName(name)) {
                throw new IllegalArgumentException("stacks: " + Stack.nameRule(name));
            }
            if (ffmpeg == null || ffmpeg.isBlank()) {
                throw new IllegalArgumentException(
                        "stacks." + name + ".ffmpeg must be set to the stack's ffmpeg binary");
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("stacks." + name + ".version must be set to the version the "
                        + "stack's ffmpeg and ffprobe report (such as 5.1 or 5.1.9-0+deb12u1)");
            }
            ffmpeg = ffmpeg.strip();
            version = version.strip();
            if (ffprobe == null || ffprobe.isBlank()) {
                int slash = ffmpeg.lastIndexOf('/');
                ffprobe = slash < 0 ? "ffprobe" : ffmpeg.substring(0, slash + 1) + "ffprobe";
            } else {
                ffprobe = ffprobe.strip();
            }
        }

        /** The settings that name this stack, for messages. */
        public String setting() {
            return "stacks." + name + ".ffmpeg, .ffprobe, .version";
        }
    }

    public StackSettings {
        stacks = List.copyOf(stacks);
        Set<String> names = new HashSet<>();
        for (Declared d : stacks) {
            if (!names.add(ConfigLoader.normalize(d.name()))) {
                throw new IllegalArgumentException("stacks: '" + d.name() + "' is listed twice (names that differ "
                        + "only in '-', '.' and '_' are the same setting)");
            }
        }
        if (defaultStack != null && !Stack.validName(defaultStack)) {
            throw new IllegalArgumentException("default_stack: " + Stack.nameRule(defaultStack));
        }
        if (!stacks.isEmpty()) {
            List<String> listed =
                    new ArrayList<>(stacks.stream().map(Declared::name).toList());
            if (defaultStack == null) {
                defaultStack = listed.get(0);
            } else if (!listed.contains(defaultStack)) {
                throw new IllegalArgumentException(
                        "default_stack '" + defaultStack + "' is not one of the stacks " + listed);
            }
        }
    }

    @Override
    public String toString() {
        if (stacks.isEmpty()) {
            return "stacks=one from ffmpeg, default_stack=" + (defaultStack == null ? "its name" : defaultStack);
        }
        return "stacks="
                + stacks.stream()
                        .map(d -> d.name() + "(ffmpeg=" + d.ffmpeg() + ", ffprobe=" + d.ffprobe() + ", version="
                                + d.version() + ")")
                        .toList()
                + ", default_stack=" + defaultStack;
    }
}
