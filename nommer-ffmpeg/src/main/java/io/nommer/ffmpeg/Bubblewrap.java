package io.nommer.ffmpeg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wraps a command in a bubblewrap ({@code bwrap}) sandbox: new user, PID, IPC, UTS, cgroup and network namespaces (no
 * network at all: the new namespace's own loopback has nothing listening, the host's is out of reach), an empty root
 * with read-only views of the system directories the binaries need, a private {@code /tmp}, {@code /proc} and
 * {@code /dev}, no environment but {@code PATH}, and of the host's files only what the {@link ProcessRequest} names:
 * its working directory and writable directories read-write, its inputs read-only, at the same paths.
 *
 * <p>why: ffmpeg reads whatever its arguments and its input name (playlists, {@code movie=}, {@code file:} and network
 * URLs); the command allowlist and the probe's demuxer whitelist keep such names out, and this keeps them harmless
 * even if one got through.
 */
final class Bubblewrap {
    /** System directories the binaries and their libraries live in, shown read-only (symbolic links kept as such). */
    static final List<Path> SYSTEM_DIRS = paths("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    /** The few files of {@code /etc} and {@code /var} the loader and fontconfig read. */
    static final List<Path> SYSTEM_FILES = paths(
            "/etc/ld.so.cache",
            "/etc/ld.so.conf",
            "/etc/ld.so.conf.d",
            "/etc/alternatives",
            "/etc/fonts",
            "/etc/localtime",
            "/var/cache/fontconfig");

    private final Path bwrap;
    private final List<String> base;

    /**
     * @param bwrap the bwrap executable
     * @param binaries the programs that will run inside: a program outside the system directories gets its own
     *     directory (and that of the file a symbolic link to it names) shown read-only
     */
    Bubblewrap(Path bwrap, List<Path> binaries) {
        this.bwrap = bwrap;
        List<String> b = new ArrayList<>(List.of(
                "--unshare-all",
                "--die-with-parent",
                "--new-session",
                "--cap-drop",
                "ALL",
                "--clearenv",
                "--setenv",
                "PATH",
                "/usr/local/bin:/usr/bin:/bin"));
        for (Path dir : SYSTEM_DIRS) {
            if (Files.isSymbolicLink(dir)) {
                try {
                    b.addAll(List.of("--symlink", Files.readSymbolicLink(dir).toString(), dir.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the link " + dir, e);
                }
            } else if (Files.isDirectory(dir)) {
                b.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
            }
        }
        for (Path f : SYSTEM_FILES) {
            if (Files.exists(f)) {
                b.addAll(List.of("--ro-bind", f.toString(), f.toString()));
            }
        }
        b.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        Set<Path> programDirs = new LinkedHashSet<>();
        for (Path binary : binaries) {
            programDirs.add(binary.toAbsolutePath().normalize().getParent());
            try {
                programDirs.add(binary.toRealPath().getParent());
            } catch (IOException e) {
                // a binary that does not exist fails when it is run, with its own message
            }
        }
        for (Path dir : programDirs) {
            if (dir != null && !system(dir)) {
                b.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
            }
        }
        this.base = List.copyOf(b);
    }

    Path executable() {
        return bwrap;
    }

    /**
     * The command that runs {@code request}'s command in the sandbox.
     *
     * @throws UncheckedIOException when a path the request names does not exist (it could not be shown inside)
     */
    List<String> wrap(ProcessRequest request) {
        List<String> c = new ArrayList<>();
        c.add(bwrap.toString());
        c.addAll(base);
        List<Path> writable = new ArrayList<>(request.writable());
        if (request.workDir() != null) {
            writable.addFirst(request.workDir());
        }
        for (Path p : writable) {
            c.addAll(List.of("--bind", existing(p, request), p.toString()));
        }
        // after the writable directories, so that an input inside one of them is still read-only
        for (Path p : request.readable()) {
            String source = existing(p, request);
            if (!system(p)) { // what lies in the system directories is visible already
                c.addAll(List.of("--ro-bind", source, p.toString()));
            }
        }
        c.addAll(List.of(
                "--chdir", request.workDir() == null ? "/" : request.workDir().toString(), "--"));
        c.addAll(request.command());
        return c;
    }

    private static String existing(Path p, ProcessRequest request) {
        if (!Files.exists(p)) {
            throw new UncheckedIOException(
                    "cannot sandbox " + request.command().getFirst() + ": " + p + " does not exist",
                    new java.nio.file.NoSuchFileException(p.toString()));
        }
        return p.toString();
    }

    private static boolean system(Path dir) {
        for (Path s : SYSTEM_DIRS) {
            if (dir.startsWith(s)) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> paths(String... names) {
        return java.util.Arrays.stream(names).map(Path::of).toList();
    }
}
