package io.nommer.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.EmptyUploadException;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.Upload;
import io.nommer.core.storage.UploadTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageUploadTest {
    @TempDir
    Path data;

    @TempDir
    Path work;

    LocalStorage storage;

    @BeforeEach
    void start() {
        storage = new LocalStorage(LocalStorageConfig.of(data).withMaxUploadBytes(1_000));
    }

    @Test
    void storeUpload_storesTheBodyUnderANewIdAndServesItBack() throws IOException {
        Upload upload = storage.storeUpload(body(500), "holiday.mp4");

        assertThat(upload.id()).matches("upl_[0-9a-z]{26}");
        assertThat(upload.uri()).isEqualTo(URI.create("upload:" + upload.id()));
        assertThat(upload.size()).isEqualTo(500);
        try (StoredFile f = storage.open(upload.uri()).orElseThrow()) {
            assertThat(f.size()).isEqualTo(500);
            assertThat(f.body().readAllBytes()).isEqualTo(bytes(500));
        }
    }

    @Test
    void storeUpload_givesEveryUploadItsOwnId() {
        assertThat(storage.storeUpload(body(1), null).id())
                .isNotEqualTo(storage.storeUpload(body(1), null).id());
    }

    @Test
    void storeUpload_acceptsABodyOfExactlyTheLimit() {
        assertThat(storage.storeUpload(body(1_000), "x").size()).isEqualTo(1_000);
    }

    @Test
    void storeUpload_refusesABodyPastTheLimitAndKeepsNothing() throws IOException {
        assertThatThrownBy(() -> storage.storeUpload(body(1_001), "x"))
                .isInstanceOf(UploadTooLargeException.class)
                .hasMessageContaining("1000 bytes");

        assertThat(uploadedFiles()).isEmpty();
    }

    @Test
    void storeUpload_stopsReadingAnEndlessBodyAtTheLimit() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };

        assertThatThrownBy(() -> storage.storeUpload(endless, 100_000, "x"))
                .isInstanceOf(UploadTooLargeException.class);
    }

    @Test
    void storeUpload_refusesAnEmptyBodyAndKeepsNothing() throws IOException {
        assertThatThrownBy(() -> storage.storeUpload(body(0), "x")).isInstanceOf(EmptyUploadException.class);

        assertThat(uploadedFiles()).isEmpty();
    }

    @Test
    void fetch_usesAnUploadWhereItLies() {
        Upload upload = storage.storeUpload(body(10), "x");

        LocalInput input = storage.fetch(upload.uri(), work);

        assertThat(input.temporary()).isFalse();
        assertThat(input.size()).isEqualTo(10);
        assertThat(input.file()).isEqualTo(storage.dataDir().resolve("uploads").resolve(upload.id()));
        storage.checkAcceptable(upload.uri());
    }

    @Test
    void fetch_unknownUploadIsNotFound() {
        URI unknown = URI.create("upload:upl_0000000000aaaaaaaaaaaaaaaa");

        assertThatThrownBy(() -> storage.fetch(unknown, work))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_NOT_FOUND));
        assertThatThrownBy(() -> storage.checkAcceptable(unknown)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uploadIds_thatCouldTraverseAreRefusedEverywhere() throws IOException {
        Files.writeString(data.resolve("secret"), "secret");
        for (String bad : List.of(
                "upload:../secret",
                "upload:..%2Fsecret",
                "upload:upl_../../secret",
                "upload:UPL_0000000000AAAAAAAAAAAAAAAA",
                "upload:/etc/passwd",
                "upload:.tmp",
                "upload:%00")) {
            URI uri = URI.create(bad);
            assertThatThrownBy(() -> storage.fetch(uri, work))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_FORBIDDEN));
            assertThatThrownBy(() -> storage.checkAcceptable(uri)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.open(uri)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> storage.deleteUpload("../secret")).isInstanceOf(IllegalArgumentException.class);
        assertThat(data.resolve("secret")).exists();
    }

    @Test
    void deleteUpload_removesIt() {
        Upload upload = storage.storeUpload(body(10), "x");

        assertThat(storage.deleteUpload(upload.id())).isTrue();

        assertThat(storage.open(upload.uri())).isEmpty();
        assertThat(storage.deleteUpload(upload.id())).isFalse();
    }

    private List<Path> uploadedFiles() throws IOException {
        try (Stream<Path> s = Files.walk(data.resolve("uploads"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static InputStream body(int size) {
        return new ByteArrayInputStream(bytes(size));
    }

    private static byte[] bytes(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) i;
        }
        return b;
    }
}
