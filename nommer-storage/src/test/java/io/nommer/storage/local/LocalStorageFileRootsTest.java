package io.nommer.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.LocalInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageFileRootsTest {
    @TempDir
    Path base;

    Path in;
    Path out;
    Path secret;
    Path work;
    LocalStorage storage;

    @BeforeEach
    void start() throws IOException {
        in = Files.createDirectories(base.resolve("in"));
        out = Files.createDirectories(base.resolve("out"));
        secret = Files.createDirectories(base.resolve("secret"));
        work = Files.createDirectories(base.resolve("work"));
        Files.writeString(secret.resolve("file.mp4"), "secret");
        storage = new LocalStorage(LocalStorageConfig.of(base.resolve("data"))
                .withInputRoots(List.of(in))
                .withOutputRoots(List.of(out))
                .withMaxInputBytes(100));
    }

    @Test
    void fetch_readsAFileUnderAnInputRootWhereItLies() throws IOException {
        Path file = Files.writeString(in.resolve("movie.mp4"), "movie");

        storage.checkAcceptable(file.toUri());
        LocalInput input = storage.fetch(file.toUri(), work);

        assertThat(input.file()).isEqualTo(file.toRealPath());
        assertThat(input.size()).isEqualTo(5);
        assertThat(input.temporary()).isFalse();
    }

    @Test
    void inputs_outsideTheRootsAreRefused() {
        URI outside = secret.resolve("file.mp4").toUri();

        assertThatThrownBy(() -> storage.checkAcceptable(outside))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input_roots");
        assertForbidden(outside);
    }

    @Test
    void inputs_cannotEscapeWithDotDot() {
        URI escape = URI.create(in.toUri() + "../secret/file.mp4");

        assertThatThrownBy(() -> storage.checkAcceptable(escape)).isInstanceOf(IllegalArgumentException.class);
        assertForbidden(escape);
    }

    @Test
    void inputs_cannotEscapeThroughASymlink() throws IOException {
        Files.createSymbolicLink(in.resolve("link.mp4"), secret.resolve("file.mp4"));
        Files.createSymbolicLink(in.resolve("linkdir"), secret);

        for (URI uri : List.of(
                in.resolve("link.mp4").toUri(), in.resolve("linkdir/file.mp4").toUri())) {
            assertThatThrownBy(() -> storage.checkAcceptable(uri))
                    .as(uri.toString())
                    .isInstanceOf(IllegalArgumentException.class);
            assertForbidden(uri);
        }
    }

    @Test
    void inputs_followSymlinksThatStayInside() throws IOException {
        Path file = Files.writeString(in.resolve("real.mp4"), "movie");
        Files.createSymbolicLink(in.resolve("alias.mp4"), file);

        assertThat(storage.fetch(in.resolve("alias.mp4").toUri(), work).file()).isEqualTo(file.toRealPath());
    }

    @Test
    void inputs_areRefusedWhenNoRootsAreConfigured() throws IOException {
        LocalStorage noRoots = new LocalStorage(LocalStorageConfig.of(base.resolve("data")));
        Path file = Files.writeString(in.resolve("movie.mp4"), "movie");

        assertThatThrownBy(() -> noRoots.checkAcceptable(file.toUri()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not enabled");
    }

    @Test
    void fetch_reportsMissingEmptyAndTooLargeFiles() throws IOException {
        Path empty = Files.createFile(in.resolve("empty.mp4"));
        Path big = Files.write(in.resolve("big.mp4"), new byte[101]);

        assertCode(in.resolve("missing.mp4").toUri(), ErrorCode.INPUT_NOT_FOUND);
        assertCode(empty.toUri(), ErrorCode.INPUT_EMPTY);
        assertCode(big.toUri(), ErrorCode.INPUT_TOO_LARGE);
    }

    @Test
    void checkAcceptable_refusesRemoteAndRelativeFileUris() {
        for (String bad : List.of("file://fileserver/share/a.mp4", "file:a.mp4", "file:///in/a.mp4?x=1")) {
            assertThatThrownBy(() -> storage.checkAcceptable(URI.create(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void checkWritable_acceptsAFolderThatDoesNotExistYetUnderAnOutputRoot() {
        storage.checkWritable(URI.create(out.toUri() + "site/videos/"));
    }

    @Test
    void checkWritable_alwaysAcceptsTheDataOutputs() {
        LocalStorage noRoots = new LocalStorage(LocalStorageConfig.of(base.resolve("data")));

        noRoots.checkWritable(noRoots.defaultFolder("job_1", "mp4"));
        noRoots.checkWritable(URI.create(noRoots.dataDir().toUri() + "outputs/"));
    }

    @Test
    void checkWritable_refusesFoldersOutsideTheRoots() throws IOException {
        Files.createSymbolicLink(out.resolve("escape"), secret);
        for (URI bad : List.of(
                secret.toUri(),
                URI.create(out.toUri() + "../secret/"),
                URI.create(out.toUri() + "escape/"),
                URI.create(out.toUri() + "escape/deeper/"),
                URI.create(storage.dataDir().toUri() + "uploads/"),
                in.toUri())) {
            assertThatThrownBy(() -> storage.checkWritable(bad))
                    .as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("output_roots");
        }
    }

    @Test
    void checkWritable_wantsAFolderUriEndingInASlash() {
        assertThatThrownBy(() -> storage.checkWritable(URI.create(out.toUri() + "video.mp4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ending in '/'");
        assertThatThrownBy(() -> storage.checkWritable(URI.create("ftp://host/out/")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publish_createsTheDestinationFolderUnderAnOutputRoot() throws IOException {
        Path source = Files.writeString(work.resolve("video.mp4"), "video");

        URI uri = storage.publish(source, URI.create(out.toUri() + "a/b/"), "video.mp4");

        assertThat(Path.of(uri)).hasContent("video");
        assertThat(Path.of(uri).getParent()).isEqualTo(out.toRealPath().resolve("a/b"));
        assertThat(source).exists();
    }

    @Test
    void publish_refusesAFolderSymlinkedOutsideAfterItWasChecked() throws IOException {
        URI folder = URI.create(out.toUri() + "later/");
        storage.checkWritable(folder);
        Files.createSymbolicLink(out.resolve("later"), secret);
        Path source = Files.writeString(work.resolve("video.mp4"), "video");

        assertThatThrownBy(() -> storage.publish(source, folder, "video.mp4"))
                .isInstanceOfAny(IllegalArgumentException.class, UncheckedIOException.class);

        assertThat(secret.resolve("video.mp4")).doesNotExist();
    }

    @Test
    void open_servesOnlyPublishedFiles() throws IOException {
        Path source = Files.writeString(work.resolve("video.mp4"), "video");
        URI published = storage.publish(source, URI.create(out.toUri() + "x/"), "video.mp4");
        Files.writeString(out.resolve("x/.video.mp4.tmp-abc"), "partial");

        assertThat(storage.open(published)).isPresent().get().satisfies(f -> {
            try (f) {
                assertThat(f.size()).isEqualTo(5);
                assertThat(f.name()).isEqualTo("video.mp4");
            }
        });
        assertThat(storage.open(URI.create(out.toUri() + "x/missing.mp4"))).isEmpty();
        assertThatThrownBy(
                        () -> storage.open(out.resolve("x/.video.mp4.tmp-abc").toUri()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.open(secret.resolve("file.mp4").toUri()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.open(URI.create(out.toUri() + "../secret/file.mp4")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void assertForbidden(URI uri) {
        assertCode(uri, ErrorCode.INPUT_FORBIDDEN);
    }

    private void assertCode(URI uri, ErrorCode code) {
        assertThatThrownBy(() -> storage.fetch(uri, work))
                .as(uri.toString())
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
