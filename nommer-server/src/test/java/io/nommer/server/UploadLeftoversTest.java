package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.testing.Await;
import io.nommer.server.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upload cut short, by its client or by a crash of the server, leaves no file behind. */
class UploadLeftoversTest {
    @TempDir
    Path tmp;

    private NommerServer start() {
        return NommerServer.start(ConfigLoader.load(
                Map.of("port", "0", "data", tmp.resolve("data").toString(), "workers", "0"), Map.of()));
    }

    @Test
    void aClientThatDisconnectsMidUpload_leavesNoFile() throws Exception {
        try (NommerServer server = start()) {
            URI base = URI.create(server.baseUrl());
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/uploads HTTP/1.1\r\nHost: " + base.getAuthority()
                                + "\r\nContent-Type: video/mp4\r\nContent-Length: 10000000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[1_000_000]);
                out.flush();
                awaitFiles(1); // the server is writing the part file
            } // the connection is cut, 9 MB short

            awaitFiles(0);
        }
    }

    @Test
    void startingTheServer_deletesWhatAnUploadCutByACrashLeft() throws Exception {
        Path tmpUploads = Files.createDirectories(tmp.resolve("data/uploads/.tmp"));
        Path leftover = Files.write(tmpUploads.resolve("upl_01m8zz0000000000000000000a.part"), new byte[4096]);

        start().close();

        assertThat(leftover).doesNotExist();
        assertThat(tmpUploads).exists();
    }

    /** Waits until {@code uploads/} (with its part files) holds {@code n} files. */
    private void awaitFiles(int n) {
        Await.until(
                "uploads/ holding " + n + " file(s)", Duration.ofSeconds(30), this::uploadFiles, f -> f.size() == n);
    }

    private List<Path> uploadFiles() {
        Path uploads = tmp.resolve("data/uploads");
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(uploads)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
