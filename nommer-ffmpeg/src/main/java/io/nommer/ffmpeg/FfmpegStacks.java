package io.nommer.ffmpeg;

import io.nommer.core.stack.Stack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stacks made of ffmpeg builds: the binaries with the versions they report, nommer's own segmenter and manifester
 * (the plan steps that write playlists, manifests and archives, {@link PlanSteps}), and what the ffmpeg can do
 * ({@link FfmpegCapabilities}).
 */
public final class FfmpegStacks {
    /** The tools of a stack, in order. */
    public static final String FFMPEG = "ffmpeg";

    public static final String FFPROBE = "ffprobe";
    public static final String SEGMENTER = "segmenter";
    public static final String MANIFESTER = "manifester";

    private static final Pattern MAJOR_MINOR = Pattern.compile("n?(\\d+)\\.(\\d+).*");
    private static final Pattern NOT_IN_NAME = Pattern.compile("[^a-z0-9._-]+");

    private FfmpegStacks() {}

    /** A stack and what its ffmpeg can do, in full ({@link FfmpegCapabilities#missingFor}). */
    public record Detected(Stack stack, FfmpegCapabilities capabilities) {}

    /**
     * Runs the binaries and describes them as a stack.
     *
     * @param name the stack's name; null names it after the ffmpeg's version ({@link #defaultName})
     * @param declaredVersion the version both binaries must report ({@link #matches}); null accepts any
     * @param setting the setting that names the binaries, for messages ({@code stacks.NAME} or {@code ffmpeg})
     * @throws IllegalArgumentException naming the setting when a binary reports another version than declared
     * @throws IllegalStateException when a binary cannot be run
     */
    public static Detected detect(
            String name, FfmpegBinaries binaries, String declaredVersion, String setting, ProcessRunner runner) {
        FfmpegCapabilities caps = FfmpegCapabilities.detect(binaries.ffmpeg(), runner);
        String probeVersion = ffprobeVersion(binaries, runner);
        String stackName = name == null ? defaultName(caps.version()) : name;
        if (declaredVersion != null) {
            check(stackName, FFMPEG, binaries.ffmpeg().toString(), caps.version(), declaredVersion, setting);
            check(stackName, FFPROBE, binaries.ffprobe().toString(), probeVersion, declaredVersion, setting);
        }
        return new Detected(describe(stackName, binaries, caps, probeVersion), caps);
    }

    /** {@link #detect(String, FfmpegBinaries, String, String, ProcessRunner)} with local processes. */
    public static Detected detect(String name, FfmpegBinaries binaries, String declaredVersion, String setting) {
        return detect(name, binaries, declaredVersion, setting, new LocalProcessRunner());
    }

    /** The stack of binaries whose capabilities are known. */
    public static Stack describe(String name, FfmpegBinaries binaries, FfmpegCapabilities caps, String ffprobeVersion) {
        String nommer = "nommer-" + nommerVersion();
        return new Stack(
                name,
                List.of(
                        new Stack.Tool(FFMPEG, binaries.ffmpeg().toString(), caps.version()),
                        new Stack.Tool(FFPROBE, binaries.ffprobe().toString(), ffprobeVersion),
                        new Stack.Tool(SEGMENTER, null, nommer),
                        new Stack.Tool(MANIFESTER, null, nommer)),
                present(FfmpegCapabilities.ENCODERS, caps.encoders()),
                present(FfmpegCapabilities.MUXERS, caps.muxers()),
                present(FfmpegCapabilities.FILTERS, caps.filters()));
    }

    private static List<String> present(List<String> known, Set<String> have) {
        return known.stream().filter(have::contains).toList();
    }

    private static void check(
            String stack, String tool, String path, String reported, String declared, String setting) {
        if (!matches(reported, declared)) {
            throw new IllegalArgumentException("stack " + stack + ": " + tool + " at " + path + " reports version "
                    + reported + ", not the declared " + declared + " (" + setting + ")");
        }
    }

    /**
     * Whether a reported version is the declared one: equal, or the declared one followed by a finer part
     * ({@code 5.1} matches {@code 5.1.9-0+deb12u1}, not {@code 5.10}).
     */
    public static boolean matches(String reported, String declared) {
        if (reported.equals(declared)) {
            return true;
        }
        return reported.startsWith(declared) && ".-+~".indexOf(reported.charAt(declared.length())) >= 0;
    }

    /**
     * The name of the stack made from an ffmpeg that no {@code stacks} setting names: {@code ffmpeg-} and its major
     * and minor version ({@code ffmpeg-5.1}), or for a build without a release number its version string made fit
     * for a name.
     */
    public static String defaultName(String version) {
        Matcher m = MAJOR_MINOR.matcher(version);
        if (m.matches()) {
            return FFMPEG + "-" + m.group(1) + "." + m.group(2);
        }
        String v = NOT_IN_NAME.matcher(version.toLowerCase(Locale.ROOT)).replaceAll("-");
        String name = (FFMPEG + "-" + v).replaceAll("-+$", "");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** nommer's own version, which names the segmenter and manifester; {@code unknown} outside a Maven build. */
    public static String nommerVersion() {
        try (InputStream in = FfmpegStacks.class.getResourceAsStream("nommer.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nommer's version", e);
        }
    }

    private static String ffprobeVersion(FfmpegBinaries binaries, ProcessRunner runner) {
        List<String> cmd = new ArrayList<>(List.of(binaries.ffprobe().toString(), "-version"));
        StringBuilder out = new StringBuilder();
        ProcessResult r;
        try {
            r = runner.run(new ProcessRequest(
                    cmd,
                    null,
                    java.time.Duration.ofSeconds(30),
                    l -> out.append(l).append('\n'),
                    null,
                    null));
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot run ffprobe at " + binaries.ffprobe() + ": " + e.getMessage(), e);
        }
        if (!r.succeeded()) {
            throw new IllegalStateException("'" + binaries.ffprobe() + " -version' failed (exit " + r.exitCode()
                    + "); is it an ffprobe binary? " + r.stderrText());
        }
        return version(out.toString(), "ffprobe version ");
    }

    /** The version after {@code prefix} on the line that starts with it; {@code unknown} when none does. */
    static String version(String out, String prefix) {
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith(prefix)) {
                String rest = l.substring(prefix.length());
                int sp = rest.indexOf(' ');
                return sp < 0 ? rest : rest.substring(0, sp);
            }
        }
        return "unknown";
    }
}
