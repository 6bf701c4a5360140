package io.nommer.server.players;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on a free loopback port for the player tests. Handlers answer through {@link #send} and
 * {@link #refuse}, so that every request lands in the {@link RequestLog} with its status and, for errors, the reason.
 */
final class LocalServer implements AutoCloseable {
    // why: not HttpExchange attributes, which the JDK's server keeps per context, shared by every exchange
    private static final Map<HttpExchange, String> REASONS = Collections.synchronizedMap(new IdentityHashMap<>());

    private final String name;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final RequestLog log;

    private LocalServer(String name, RequestLog log) {
        this.name = name;
        this.log = log;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.start();
    }

    static LocalServer start(String name, RequestLog log) {
        return new LocalServer(name, log);
    }

    /** Scheme, host and port, e.g. {@code http://127.0.0.1:40123}: what browsers compare for the same-origin policy. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Routes requests whose path starts with {@code prefix} (the longest matching prefix wins) to {@code handler}. */
    void route(String prefix, HttpHandler handler) {
        server.createContext(prefix, handler)
                .getFilters()
                .add(Filter.afterHandler(
                        "request log",
                        ex -> log.add(new RequestLog.Entry(
                                name,
                                ex.getRequestMethod(),
                                ex.getRequestURI().getRawPath(),
                                ex.getResponseCode(),
                                REASONS.remove(ex)))));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    /** An error answer whose reason is both the body and the request log's note. */
    static void refuse(HttpExchange ex, int status, String why) throws IOException {
        REASONS.put(ex, why);
        send(ex, status, "text/plain; charset=utf-8", why.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
