package io.nommer.storage.local;

import io.nommer.core.storage.OutputPublisher;
import io.nommer.storage.OutputPublisherContractTest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageOutputPublisherTest extends OutputPublisherContractTest {
    @TempDir
    Path data;

    LocalStorage storage;

    @BeforeEach
    void start() {
        storage = new LocalStorage(LocalStorageConfig.of(data));
    }

    @Override
    protected OutputPublisher publisher() {
        return storage;
    }

    @Override
    protected Optional<byte[]> read(URI file) throws IOException {
        Optional<StoredFile> opened = storage.open(file);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (StoredFile f = opened.get()) {
            return Optional.of(f.body().readAllBytes());
        }
    }

    @Override
    protected List<String> list(URI folder) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(folder))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
