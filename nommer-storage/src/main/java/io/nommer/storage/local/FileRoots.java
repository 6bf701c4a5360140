package io.nommer.storage.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/** Turns {@code file:} URIs into real paths and checks they lie under allowed roots, after resolving symlinks. */
final class FileRoots {
    private FileRoots() {}

    /** @throws IllegalArgumentException when {@code uri} is not an absolute, local {@code file:} URI */
    static Path toPath(URI uri) {
        if (uri.getScheme() == null || !"file".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("'" + uri + "' is not a file: URI");
        }
        if (uri.isOpaque() || uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
            throw new IllegalArgumentException(
                    "'" + uri + "' must be an absolute file: URI with three slashes, e.g. file:///srv/media/in.mp4");
        }
        if (uri.getRawAuthority() != null
                && !uri.getRawAuthority().isEmpty()
                && !"localhost".equalsIgnoreCase(uri.getRawAuthority())) {
            throw new IllegalArgumentException("'" + uri + "' names a remote host; file: URIs must be local");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + uri + "' must not have a query or fragment");
        }
        String path = uri.getPath();
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + uri + "' contains a NUL character");
        }
        try {
            return Path.of(path).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + uri + "' is not a valid path here: " + e.getMessage());
        }
    }

    /**
     * The path with every symlink resolved, also when its last segments do not exist yet: the real path of the
     * nearest existing ancestor followed by the missing segments.
     *
     * @throws IOException when an existing part cannot be resolved (a dangling symlink, no permission)
     */
    static Path realPath(Path path) throws IOException {
        Path existing = path.toAbsolutePath().normalize();
        Deque<Path> missing = new ArrayDeque<>();
        // why NOFOLLOW_LINKS: a dangling symlink exists as an entry; resolving it must fail rather than be skipped
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("no part of " + path + " exists");
        }
        Path real = existing.toRealPath();
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real;
    }

    /** Whether {@code realPath} (already resolved) lies under one of {@code roots}, each resolved now. */
    static boolean within(Path realPath, List<Path> roots) {
        for (Path root : roots) {
            Path realRoot;
            try {
                realRoot = realPath(root);
            } catch (IOException e) {
                continue;
            }
            if (realPath.startsWith(realRoot)) {
                return true;
            }
        }
        return false;
    }
}
