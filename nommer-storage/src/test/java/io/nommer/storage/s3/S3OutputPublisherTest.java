package io.nommer.storage.s3;

import io.nommer.core.storage.OutputPublisher;
import io.nommer.storage.OutputPublisherContractTest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class S3OutputPublisherTest extends OutputPublisherContractTest {
    S3TestServer server;
    S3Storage storage;

    @BeforeEach
    void start() throws Exception {
        server = S3TestServer.get();
        storage = new S3Storage(server.config("contract-" + UUID.randomUUID()));
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    @Override
    protected OutputPublisher publisher() {
        return storage;
    }

    @Override
    protected Optional<byte[]> read(URI file) throws IOException {
        return server.read(file);
    }

    @Override
    protected List<String> list(URI folder) {
        return server.list(folder);
    }
}
