package io.nommer.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.storage.Upload;
import io.nommer.core.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload writes {@code uploads/.tmp/<id>.part} until it is whole. A part file left by a process that died mid-upload
 * is deleted when local storage is next opened; the part file of an upload still running, in this process or in
 * another sharing the data folder, is not. An upload whose body breaks off deletes its own part file at once.
 */
class LocalStorageLeftoverUploadsTest {
    @TempDir
    Path data;

    /** Another process sharing the data folder: stores its standard input as an upload. */
    public static void main(String[] args) {
        Upload u = new LocalStorage(LocalStorageConfig.of(Path.of(args[0]))).storeUpload(System.in, "stdin");
        System.out.println(u.id());
    }

    @Test
    void open_deletesThePartFileOfAnUploadWhoseProcessDied() throws Exception {
        Process other = uploadingProcess();
        try {
            Path part = awaitPartFile();

            other.destroyForcibly(); // SIGKILL mid-upload: no finally block runs
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(part).as("left behind by the crash").exists();

            new LocalStorage(LocalStorageConfig.of(data));

            assertThat(part).doesNotExist();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void open_keepsThePartFileOfALiveUploadInAnotherProcess() throws Exception {
        Process other = uploadingProcess();
        try {
            Path part = awaitPartFile();

            new LocalStorage(LocalStorageConfig.of(data));

            assertThat(part).exists();
            // the other process's upload is unharmed: it completes whole
            try (OutputStream in = other.getOutputStream()) {
                in.write(new byte[1000]);
            }
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String id = new String(other.getInputStream().readAllBytes()).trim();
            assertThat(other.exitValue()).as(id).isZero();
            assertThat(data.resolve("uploads").resolve(id)).hasSize(1100);
            assertThat(part).doesNotExist();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void open_keepsThePartFileOfALiveUploadInThisProcess() throws Exception {
        LocalStorage storage = new LocalStorage(LocalStorageConfig.of(data));
        PipedOutputStream client = new PipedOutputStream();
        PipedInputStream body = new PipedInputStream(client, 64 * 1024);
        CompletableFuture<Upload> upload = CompletableFuture.supplyAsync(() -> storage.storeUpload(body, "x"));
        client.write(new byte[100]);
        client.flush();
        Path part = awaitPartFile();

        new LocalStorage(LocalStorageConfig.of(data));

        assertThat(part).exists();
        client.write(new byte[100]);
        client.close();
        assertThat(upload.get(30, TimeUnit.SECONDS).size()).isEqualTo(200);
    }

    @Test
    void storeUpload_deletesItsPartFileWhenTheBodyBreaksOff() throws IOException {
        LocalStorage storage = new LocalStorage(LocalStorageConfig.of(data));
        InputStream cut = new InputStream() {
            boolean sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException("storeUpload reads in blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent) {
                    throw new IOException("connection reset by peer");
                }
                sent = true;
                return Math.min(len, 5000);
            }
        };

        assertThatThrownBy(() -> storage.storeUpload(cut, "x")).isInstanceOf(UncheckedIOException.class);

        assertThat(files(data.resolve("uploads"))).isEmpty();
    }

    /** A JVM storing an upload into {@link #data}, with 100 bytes of it sent so far. */
    private Process uploadingProcess() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalStorageLeftoverUploadsTest.class.getName(),
                        data.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        p.getOutputStream().write(new byte[100]);
        p.getOutputStream().flush();
        return p;
    }

    private Path awaitPartFile() {
        return Await.until(
                        "an upload's part file with its first bytes",
                        Duration.ofSeconds(30),
                        () -> files(data.resolve("uploads/.tmp")).stream()
                                .filter(f -> f.getFileName().toString().endsWith(".part") && size(f) > 0)
                                .toList(),
                        parts -> parts.size() == 1)
                .get(0);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
