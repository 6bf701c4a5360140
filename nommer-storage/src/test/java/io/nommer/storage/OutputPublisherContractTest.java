package io.nommer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.storage.OutputPublisher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link OutputPublisher} promises. Each adapter subclasses this with a few lines: how to build it, read a
 * published file back, and list a folder.
 */
public abstract class OutputPublisherContractTest {
    @TempDir
    protected Path sources;

    protected abstract OutputPublisher publisher();

    /** The bytes of a published file, or empty when there is none. */
    protected abstract Optional<byte[]> read(URI file) throws IOException;

    /** The names of every file in a folder, hidden or temporary ones included. */
    protected abstract List<String> list(URI folder) throws IOException;

    private final String jobId = "job_" + UUID.randomUUID().toString().replace("-", "");

    @Test
    void publish_thenReadsBackTheSameBytes() throws IOException {
        URI folder = publisher().defaultFolder(jobId, "mp4");

        URI uri = publisher().publish(aFile("a.mp4", 100_000, (byte) 7), folder, "video.mp4");

        assertThat(read(uri))
                .hasValueSatisfying(b -> assertThat(b).hasSize(100_000).containsOnly(7));
    }

    @Test
    void delete_removesAPublishedFile_andAgainIsHarmless() throws IOException {
        URI folder = publisher().defaultFolder(jobId, "RENDITIONS-hls");
        URI uri = publisher().publish(aFile("v0.mp4", 1000, (byte) 3), folder, "hls-v0.mp4");
        Path back = sources.resolve("back.mp4");
        publisher().copyToLocal(uri, back);
        assertThat(back).hasSize(1000);

        publisher().delete(uri);
        publisher().delete(uri);

        assertThat(read(uri)).isEmpty();
    }

    @Test
    void publish_returnsTheFileInsideTheFolder() {
        URI folder = publisher().defaultFolder(jobId, "mp4");

        URI uri = publisher().publish(aFile("a.mp4", 10, (byte) 1), folder, "video.mp4");

        assertThat(uri.toString()).isEqualTo(folder + "video.mp4");
    }

    @Test
    void publish_againReplacesTheWholeFile() throws IOException {
        URI folder = publisher().defaultFolder(jobId, "mp4");
        publisher().publish(aFile("big.mp4", 200_000, (byte) 1), folder, "video.mp4");

        URI uri = publisher().publish(aFile("small.mp4", 1_000, (byte) 2), folder, "video.mp4");

        assertThat(read(uri))
                .hasValueSatisfying(b -> assertThat(b).hasSize(1_000).containsOnly(2));
    }

    @Test
    void publish_leavesNoTemporaryFilesBehind() throws IOException {
        URI folder = publisher().defaultFolder(jobId, "hls");

        publisher().publish(aFile("a", 1_000, (byte) 1), folder, "index.m3u8");
        publisher().publish(aFile("b", 1_000, (byte) 2), folder, "seg_0001.ts");
        publisher().publish(aFile("c", 1_000, (byte) 3), folder, "index.m3u8");

        assertThat(list(folder)).containsExactlyInAnyOrder("index.m3u8", "seg_0001.ts");
    }

    @Test
    void publish_concurrentPublishersNeverExposeAPartialFile() throws Exception {
        URI folder = publisher().defaultFolder(jobId, "mp4");
        int size = 1_000_000;
        List<Path> versions = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            versions.add(aFile("v" + i, size, (byte) i));
        }
        URI target = URI.create(folder + "video.mp4");
        AtomicBoolean publishing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(versions.size() + 1);
        try {
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                while (publishing.get() || reads == 0) {
                    Optional<byte[]> seen = read(target);
                    if (seen.isPresent()) {
                        byte[] b = seen.get();
                        assertThat(b).hasSize(size);
                        assertThat(b).containsOnly(b[0]);
                        reads++;
                    }
                }
                return reads;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (Path v : versions) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        publisher().publish(v, folder, "video.mp4");
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
            publishing.set(false);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        } finally {
            publishing.set(false);
            pool.shutdownNow();
        }
        assertThat(list(folder)).containsExactly("video.mp4");
    }

    @Test
    void defaultFolder_isDeterministicPerJobAndOutputAndEndsInASlash() {
        URI a = publisher().defaultFolder(jobId, "mp4");

        assertThat(publisher().defaultFolder(jobId, "mp4")).isEqualTo(a);
        assertThat(a.toString()).endsWith("/");
        assertThat(publisher().defaultFolder(jobId, "webm")).isNotEqualTo(a);
        assertThat(publisher().defaultFolder(jobId + "x", "mp4")).isNotEqualTo(a);
    }

    @Test
    void defaultFolder_isWritable() {
        publisher().checkWritable(publisher().defaultFolder(jobId, "mp4"));
    }

    @Test
    void defaultFolder_refusesSegmentsThatCouldEscape() {
        for (String bad : List.of("..", ".", "a/b", "../x", "", ".hidden")) {
            assertThatThrownBy(() -> publisher().defaultFolder(bad, "mp4"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> publisher().defaultFolder(jobId, bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void publish_refusesNamesThatCouldEscapeTheFolder() {
        URI folder = publisher().defaultFolder(jobId, "mp4");
        Path file = aFile("a", 10, (byte) 1);
        for (String bad : List.of("..", "../video.mp4", "a/b.mp4", ".video.mp4", "")) {
            assertThatThrownBy(() -> publisher().publish(file, folder, bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    protected Path aFile(String name, int size, byte fill) {
        byte[] b = new byte[size];
        Arrays.fill(b, fill);
        try {
            return Files.write(sources.resolve(name), b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
