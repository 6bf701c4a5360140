package io.nommer.core.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work directories of task attempts ({@code <work root>/<task>-<attempt>}), each holding an exclusive lock on its
 * {@code .lock} file while its attempt runs, so that a worker starting on the same work root can tell the directories
 * of attempts whose process died (killed, crashed: the kernel drops its locks however it ended) from live ones.
 *
 * <p>why: several worker processes may share one data directory, and a killed worker leaves its input copy and
 * partial outputs behind, often gigabytes; nothing else would ever delete them.
 */
final class WorkDirs {
    private static final Logger log = LoggerFactory.getLogger(WorkDirs.class);
    private static final String LOCK = ".lock";
    /** A directory without a lock file is being created, or was left by a version that did not lock: wait this long. */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);
    /**
     * The directories this JVM holds: never opened by a clean-up here, since closing any channel to a lock file drops
     * every lock this process holds on it.
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private WorkDirs() {}

    /** A live attempt's directory; closing it deletes the directory and gives up the lock. */
    static final class Held implements AutoCloseable {
        private final Path dir;
        private final FileChannel lock;

        private Held(Path dir, FileChannel lock) {
            this.dir = dir;
            this.lock = lock;
        }

        @Override
        public void close() {
            Worker.deleteRecursively(dir);
            try {
                lock.close();
            } catch (IOException e) {
                log.warn("could not release the lock of {}: {}", dir, e.toString());
            } finally {
                LIVE.remove(dir);
            }
        }
    }

    /** Creates and locks {@code dir}. */
    static Held open(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        LIVE.add(abs);
        FileChannel ch = null;
        try {
            Files.createDirectories(abs);
            ch = FileChannel.open(abs.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.lock();
            // why: a clean-up in another process may have taken the new directory for an abandoned one between its
            // creation and our lock; it deletes only while holding the lock, so now the file is gone or ours for good
            if (!Files.exists(abs.resolve(LOCK))) {
                throw new IOException("another worker's clean-up deleted " + abs + " as it was being created");
            }
            return new Held(abs, ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            LIVE.remove(abs);
            throw e;
        }
    }

    /** Deletes the directories under {@code root} that no live attempt holds; answers how many. */
    static int deleteAbandoned(Path root) {
        int deleted = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path abs = dir.toAbsolutePath().normalize();
                if (!LIVE.contains(abs) && abandoned(abs)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            log.warn("could not look for abandoned work directories in {}: {}", root, e.toString());
        }
        return deleted;
    }

    /** Deletes {@code dir} if its lock can be taken (while holding it); whether it did. */
    private static boolean abandoned(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE);
        } catch (NoSuchFileException noLock) {
            FileTime modified = Files.getLastModifiedTime(dir);
            if (modified.toInstant().isBefore(Instant.now().minus(UNLOCKED_GRACE))) {
                Worker.deleteRecursively(dir);
                return true;
            }
            return false;
        }
        try (ch) {
            if (ch.tryLock() == null) {
                return false;
            }
            Worker.deleteRecursively(dir);
            return true;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        }
    }
}
