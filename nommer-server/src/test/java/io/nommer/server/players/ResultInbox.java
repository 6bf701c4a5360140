package io.nommer.server.players;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Takes the result each page run posts, and hands it to the test that started that run (matched by id). */
final class ResultInbox implements HttpHandler {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, CompletableFuture<PlayResult>> expected = new ConcurrentHashMap<>();

    CompletableFuture<PlayResult> expect(String id) {
        return expected.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            LocalServer.refuse(ex, 405, "results are POSTed");
            return;
        }
        PlayResult result;
        try {
            result = mapper.readValue(ex.getRequestBody(), PlayResult.class);
        } catch (IOException e) {
            LocalServer.refuse(ex, 400, "not a result: " + e.getMessage());
            return;
        }
        expect(result.id()).complete(result);
        LocalServer.send(ex, 204, "text/plain", new byte[0]);
    }
}
