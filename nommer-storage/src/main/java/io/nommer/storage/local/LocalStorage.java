package io.nommer.storage.local;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.EmptyUploadException;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.storage.Upload;
import io.nommer.core.storage.UploadTooLargeException;
import io.nommer.core.util.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's own folder ({@code uploads/}, {@code outputs/}) and {@code file:} inputs and destinations under
 * configured roots.
 *
 * <p>Layout: {@code <data>/uploads/<id>} (written to {@code uploads/.tmp/<id>.part} first, which is locked while the
 * upload runs; opening local storage deletes the part files no running upload holds), and
 * {@code <data>/outputs/<jobId>/<outputName>/<file>} for outputs with no destination. Every {@code file:} path is
 * resolved through its symlinks before it is checked against the roots, so neither {@code ..} nor a symlink can
 * reach outside them.
 */
public final class LocalStorage implements InputFetcher, OutputPublisher {
    private static final Logger log = LoggerFactory.getLogger(LocalStorage.class);
    private static final Pattern UPLOAD_ID = Pattern.compile("upl_[0-9a-z]{26}");
    /** A file or folder name we create: no separators, not {@code .}/{@code ..}, not hidden like our temp files. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final int BUFFER = 64 * 1024;
    private static final String PART = ".part";
    /**
     * The part files of uploads running in this JVM. A clean-up must not even open them: closing any channel to a file
     * drops every POSIX lock this process holds on it, the running upload's included.
     */
    private static final Set<Path> LIVE_PARTS = ConcurrentHashMap.newKeySet();

    private final LocalStorageConfig config;
    private final Path dataDir;
    private final Path uploads;
    private final Path uploadsTmp;
    private final Path outputs;
    private final Ids ids;
    private final SecureRandom random = new SecureRandom();

    public LocalStorage(LocalStorageConfig config) {
        this(config, new Ids(InstantSource.system()));
    }

    /** @throws UncheckedIOException when the data folder cannot be created */
    public LocalStorage(LocalStorageConfig config, Ids ids) {
        this.config = config;
        this.ids = ids;
        try {
            Files.createDirectories(config.dataDir());
            this.dataDir = config.dataDir().toRealPath();
            this.uploads = Files.createDirectories(dataDir.resolve("uploads"));
            this.uploadsTmp = Files.createDirectories(uploads.resolve(".tmp"));
            this.outputs = Files.createDirectories(dataDir.resolve("outputs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder (dataDir) " + config.dataDir(), e);
        }
        deleteAbandonedParts();
    }

    public LocalStorageConfig config() {
        return config;
    }

    /** The data folder, symlinks resolved. */
    public Path dataDir() {
        return dataDir;
    }

    // ---- uploads ----

    /** Stores an upload with the configured {@code maxUploadBytes}. */
    public Upload storeUpload(InputStream body, String filenameHint) {
        return storeUpload(body, config.maxUploadBytes(), filenameHint);
    }

    /**
     * Streams {@code body} to a temporary file and moves it into place whole: an upload id never names a partial file.
     *
     * @param filenameHint the client's name for the file, only logged; may be null
     * @throws UploadTooLargeException past {@code maxBytes} (reading stops there; nothing is kept)
     * @throws EmptyUploadException when the body is empty
     * @throws UncheckedIOException when reading the body or writing the file fails
     */
    public Upload storeUpload(InputStream body, long maxBytes, String filenameHint) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
        }
        Part part;
        try {
            part = openPart();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create an upload's file in " + uploadsTmp + ": " + e.getMessage(), e);
        }
        String id = part.id();
        Path tmp = part.file();
        boolean stored = false;
        // why: the channel, and so the part file's lock, stays open until the upload is renamed into place, so that
        // no clean-up in another process takes a finished upload for an abandoned one
        try (FileChannel out = part.channel()) {
            long size = 0;
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = body.read(buf)) != -1) {
                size += n;
                if (size > maxBytes) {
                    throw new UploadTooLargeException(maxBytes);
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            if (size == 0) {
                throw new EmptyUploadException();
            }
            out.force(true);
            Files.move(tmp, uploads.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            stored = true;
            fsyncDirectory(uploads);
            log.info("stored upload {} ({} bytes, client name '{}')", id, size, printable(filenameHint));
            return new Upload(id, uploadUri(id), size);
        } catch (IOException e) {
            // a client that disconnects mid-body ends here too (the body's read fails): nothing is kept
            throw new UncheckedIOException("storing upload " + id + " failed: " + e.getMessage(), e);
        } finally {
            if (!stored) {
                deleteQuietly(tmp);
            }
            LIVE_PARTS.remove(tmp);
        }
    }

    private record Part(String id, Path file, FileChannel channel) {}

    /** A new upload's part file, created and locked; see {@link #deleteAbandonedParts}. */
    private Part openPart() throws IOException {
        for (int attempt = 1; ; attempt++) {
            String id = ids.next("upl");
            Path tmp = uploadsTmp.resolve(id + PART);
            LIVE_PARTS.add(tmp);
            FileChannel ch = null;
            try {
                ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                if (!lock(ch, tmp)) {
                    return new Part(id, tmp, ch);
                }
                // why: a clean-up in another process may have taken the new file for an abandoned one between its
                // creation and our lock; it deletes only while holding the lock, so the file is gone or ours for good
                if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    return new Part(id, tmp, ch);
                }
            } catch (IOException | RuntimeException e) {
                if (ch != null) {
                    ch.close();
                }
                LIVE_PARTS.remove(tmp);
                throw e;
            }
            ch.close();
            LIVE_PARTS.remove(tmp);
            if (attempt == 3) {
                throw new IOException("its part file was deleted by another process three times over");
            }
        }
    }

    /** @return whether the file is locked; false where the file system has no locks, which is logged */
    private static boolean lock(FileChannel ch, Path file) {
        try {
            ch.lock();
            return true;
        } catch (IOException e) {
            log.warn("cannot lock {} ({}): a process that opens this data folder now may delete this upload", file, e);
            return false;
        }
    }

    /**
     * Deletes the part files that no running upload holds: those of uploads cut short when their process died.
     *
     * <p>why: a lock rather than an age. Several processes may share a data folder (orchestrators, workers, one
     * restarted beside the old one), and an upload may run for hours or stall for up to the HTTP idle timeout, which
     * can be set to anything; no age is both safe for a slow live upload and short enough to catch what a crash left
     * a moment before a restart. A running upload holds an exclusive lock on its part file, the kernel drops it when
     * its process dies however it dies, and a part file whose lock can be taken belongs to no live upload. It is
     * deleted while the lock is held (see {@link #openPart}). Where the file system cannot lock, nothing is deleted.
     */
    private void deleteAbandonedParts() {
        int deleted = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(uploadsTmp, "*" + PART)) {
            for (Path part : parts) {
                if (!LIVE_PARTS.contains(part)
                        && Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)
                        && deleteIfAbandoned(part)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot look for abandoned uploads in {}: {}", uploadsTmp, e.toString());
        }
        if (deleted > 0) {
            log.info("deleted {} upload(s) left unfinished in {} by a process that stopped", deleted, uploadsTmp);
        }
    }

    private static boolean deleteIfAbandoned(Path part) {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false; // a running upload in another process
            }
            Files.delete(part);
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // a running upload in this JVM that registered after we listed
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            log.warn("cannot check or delete the abandoned upload {}: {}", part, e.toString());
            return false;
        }
    }

    /** @return whether the upload existed */
    public boolean deleteUpload(String id) {
        try {
            return Files.deleteIfExists(uploadPath(id));
        } catch (IOException e) {
            throw new UncheckedIOException("deleting upload " + id + " failed", e);
        }
    }

    /** @throws IllegalArgumentException when {@code id} is not an upload id */
    public static URI uploadUri(String id) {
        requireUploadId(id);
        return URI.create("upload:" + id);
    }

    private static void requireUploadId(String id) {
        if (id == null || !UPLOAD_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + printable(id) + "' is not an upload id (upl_ and 26 of 0-9, a-z)");
        }
    }

    /** @throws IllegalArgumentException when {@code id} is not an upload id (which also keeps paths inside uploads/) */
    private Path uploadPath(String id) {
        requireUploadId(id);
        return uploads.resolve(id);
    }

    private Path uploadPath(URI uri) {
        if (!uri.isOpaque()) {
            throw new IllegalArgumentException("an upload input is written upload:<id>, not '" + uri + "'");
        }
        return uploadPath(uri.getSchemeSpecificPart());
    }

    // ---- inputs ----

    /**
     * Uploads and {@code file:} inputs are used where they lie ({@link LocalInput#temporary()} is false).
     *
     * @throws TaskFailedException {@code input_forbidden} for another scheme, a malformed upload id or a path outside
     *     {@code inputRoots}; {@code input_not_found}; {@code input_empty}; {@code input_too_large} past
     *     {@code maxInputBytes}; {@code input_fetch_failed} when the file cannot be read
     */
    @Override
    public LocalInput fetch(URI input, Path workDir) {
        Path file;
        try {
            file = switch (scheme(input)) {
                case "upload" -> uploadPath(input);
                case "file" -> readablePath(input);
                default ->
                    throw new IllegalArgumentException("local storage cannot read '" + input.getScheme() + ":' inputs");
            };
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException(ErrorCode.INPUT_FORBIDDEN, e.getMessage());
        }
        long size;
        try {
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString());
            }
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new TaskFailedException(ErrorCode.INPUT_NOT_FOUND, "the input " + input + " does not exist");
        } catch (IOException e) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_FETCH_FAILED, "cannot read the input " + input + ": " + e, null, e);
        }
        if (size == 0) {
            throw new TaskFailedException(ErrorCode.INPUT_EMPTY, "the input " + input + " is empty");
        }
        if (size > config.maxInputBytes()) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_TOO_LARGE,
                    "the input " + input + " has " + size + " bytes, more than the limit of " + config.maxInputBytes()
                            + " (setting max_input_bytes)");
        }
        return new LocalInput(file, size, false);
    }

    @Override
    public void checkAcceptable(URI input) {
        Path file = switch (scheme(input)) {
            case "upload" -> uploadPath(input);
            case "file" -> readablePath(input);
            default ->
                throw new IllegalArgumentException("local storage cannot read '" + input.getScheme() + ":' inputs");
        };
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the input " + input + " does not exist or is not a file");
        }
    }

    /** The real path of a {@code file:} input, checked against {@code inputRoots}. */
    private Path readablePath(URI input) {
        if (config.inputRoots().isEmpty()) {
            throw new IllegalArgumentException(
                    "file: inputs are not enabled on this service (no input_roots are configured)");
        }
        Path real = real(FileRoots.toPath(input), input);
        if (!FileRoots.within(real, config.inputRoots())) {
            throw new IllegalArgumentException(
                    input + " is outside the folders this service may read (setting input_roots)");
        }
        return real;
    }

    // ---- outputs ----

    @Override
    public URI defaultFolder(String jobId, String outputName) {
        requireSegment(jobId, "job id");
        requireSegment(outputName, "output name");
        return folderUri(outputs.resolve(jobId).resolve(outputName));
    }

    @Override
    public void checkWritable(URI folder) {
        writableFolder(folder);
    }

    /**
     * Copies {@code file} next to its target under a hidden temporary name, syncs it, then renames it over the target
     * atomically. The source file is left in place.
     *
     * @throws IllegalArgumentException for an unacceptable folder or name (checked at submission, so a bug here)
     * @throws UncheckedIOException when writing fails, or the folder turned out (after creating it) to lie outside
     *     the output roots
     */
    @Override
    public URI publish(Path file, URI folder, String name) {
        requireSegment(name, "output file name");
        Path dir = writableFolder(folder);
        Path tmp = dir.resolve("." + name + ".tmp-" + Long.toUnsignedString(random.nextLong(), 36));
        boolean moved = false;
        try {
            Files.createDirectories(dir);
            // why: a symlink could have appeared between the check and createDirectories
            if (!FileRoots.within(dir.toRealPath(), writableRoots())) {
                throw new AccessDeniedException(dir.toString(), null, "resolves outside the output roots");
            }
            Files.copy(file, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Path target = dir.resolve(name);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            fsyncDirectory(dir);
            log.debug("published {} as {}", file, target);
            return target.toUri();
        } catch (IOException e) {
            throw new UncheckedIOException("publishing " + name + " to " + folder + " failed: " + e.getMessage(), e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /** The real path of a destination folder, checked against the output roots. */
    private Path writableFolder(URI folder) {
        if (!"file".equals(scheme(folder))) {
            throw new IllegalArgumentException(
                    "local storage cannot write to '" + folder.getScheme() + ":' destinations");
        }
        if (!folder.toString().endsWith("/")) {
            throw new IllegalArgumentException("destination must be a folder URI ending in '/', not '" + folder + "'");
        }
        Path real = real(FileRoots.toPath(folder), folder);
        if (!FileRoots.within(real, writableRoots())) {
            throw new IllegalArgumentException(
                    folder + " is outside the folders this service may write (setting output_roots)");
        }
        if (Files.exists(real) && !Files.isDirectory(real)) {
            throw new IllegalArgumentException(folder + " exists and is not a folder");
        }
        return real;
    }

    private List<Path> writableRoots() {
        List<Path> roots = new ArrayList<>(config.outputRoots());
        roots.add(outputs);
        return roots;
    }

    // ---- serving back ----

    /** A published file's path, refusing anything outside the output storage and temporary files. */
    private Path publishedFile(URI uri) {
        Path real = real(FileRoots.toPath(uri), uri);
        if (!FileRoots.within(real, writableRoots())) {
            throw new IllegalArgumentException(uri + " is not in this service's output storage");
        }
        if (real.getFileName() == null || real.getFileName().toString().startsWith(".")) {
            throw new IllegalArgumentException(uri + " is not a published file");
        }
        return real;
    }

    @Override
    public void delete(URI published) {
        if (!"file".equals(scheme(published))) {
            throw new IllegalArgumentException("local storage cannot delete '" + published.getScheme() + ":' URIs");
        }
        Path file = publishedFile(published);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + published + ": " + e.getMessage(), e);
        }
        deleteEmptyFolders(file.getParent());
    }

    /**
     * Deletes {@code dir} and its parents while they are empty, up to the service's own {@code outputs} folder (the
     * folders {@link #defaultFolder} made for a job, once its files are deleted). Destinations under the output roots
     * are the user's folders, and are left as they are.
     */
    private void deleteEmptyFolders(Path dir) {
        for (Path d = dir; d != null && d.startsWith(outputs) && !d.equals(outputs); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                log.debug("cannot delete the empty folder {}: {}", d, e.toString());
                return;
            }
        }
    }

    @Override
    public void copyToLocal(URI published, Path target) {
        StoredFile.copy(open(published), published, target);
    }

    /**
     * Where an upload or a published file ({@code upload:} or {@code file:}) is on this machine, so that it can be
     * served with byte ranges; empty when there is no such file.
     *
     * @throws IllegalArgumentException for a URI local storage does not serve
     */
    public Optional<Path> localFile(URI uri) {
        Path file = switch (scheme(uri)) {
            case "upload" -> uploadPath(uri);
            case "file" -> publishedFile(uri);
            default -> throw new IllegalArgumentException("local storage cannot open '" + uri.getScheme() + ":' URIs");
        };
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /**
     * Opens an upload or a published file to serve it back, e.g. through the API.
     *
     * @return empty when no such file exists
     * @throws IllegalArgumentException for another scheme, a malformed upload id, a hidden (temporary) file, or a path
     *     outside {@code <data>/outputs} and the output roots
     * @throws UncheckedIOException when the file exists but cannot be opened
     */
    public Optional<StoredFile> open(URI uri) {
        Path file = switch (scheme(uri)) {
            case "upload" -> uploadPath(uri);
            case "file" -> publishedFile(uri);
            default -> throw new IllegalArgumentException("local storage cannot open '" + uri.getScheme() + ":' URIs");
        };
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            // why: the size of the file we opened, not of a replacement published over it since
            long size;
            try {
                size = channel.size();
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return Optional.of(new StoredFile(
                    Channels.newInputStream(channel), size, file.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + uri + ": " + e.getMessage(), e);
        }
    }

    // ---- helpers ----

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static Path real(Path path, URI uri) {
        try {
            return FileRoots.realPath(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve " + uri + ": " + e.getMessage());
        }
    }

    private static void requireSegment(String s, String what) {
        if (s == null || !SEGMENT.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 of A-Z, a-z, 0-9, '.', '_', '-', starting with"
                    + " a letter or digit, not '" + printable(s) + "'");
        }
    }

    private static URI folderUri(Path dir) {
        String s = dir.toUri().toString();
        return URI.create(s.endsWith("/") ? s : s + "/");
    }

    /** Makes a rename durable; not every platform can open a directory, and then there is nothing to do. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.trace("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete temporary file {}: {}", p, e.toString());
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
