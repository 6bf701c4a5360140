package io.nommer.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's HTTP server: Jetty 12 with every request handled on a virtual thread, HTTP/1.1, and HTTP/2 by ALPN when
 * TLS is configured, an idle timeout for slow or silent clients, CORS for the configured origins, and
 * problem documents for the errors Jetty answers itself (a malformed request, headers too large).
 *
 * <p>Why plain Jetty handlers: every capability the API needs (timeouts, header and body limits, CORS, byte ranges,
 * ETags and conditional requests, static resources, TLS, HTTP/2) is in Jetty's core modules, four small jars without
 * a servlet container; Javalin would add the servlet stack and Kotlin's runtime for a router we need only twenty
 * lines of.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /**
     * How the server listens.
     *
     * @param idleTimeout how long a connection may send nothing (while a request is read, too) before it is closed
     * @param corsOrigins origins browsers may call the API from ({@code *} for any); empty for none
     * @param tlsKeystore a PKCS12 key store with the server's certificate, or null for plain HTTP
     */
    public record Settings(
            String bind,
            int port,
            Duration idleTimeout,
            List<String> corsOrigins,
            Path tlsKeystore,
            String tlsKeystorePassword) {
        public Settings {
            corsOrigins = List.copyOf(corsOrigins);
        }
    }

    /** Connections waiting to be accepted. */
    private static final int ACCEPT_QUEUE = 128;
    /** How long a stop waits for requests in flight. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;

    private HttpServer(Server server, ServerConnector connector, boolean tls) {
        this.server = server;
        this.connector = connector;
        this.tls = tls;
    }

    /**
     * Starts serving {@code router}.
     *
     * @throws IllegalArgumentException when the address cannot be bound or the key store cannot be read
     */
    public static HttpServer start(Settings settings, Router router, ObjectMapper mapper) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("nommer-http");
        // why: a virtual thread per request, as many as arrive (Jetty's VirtualThreadPool would cap them at 200);
        // the accept queue and the clients' own limits are the back pressure, as with the JDK server before
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector =
                settings.tlsKeystore() == null ? clearConnector(server, http) : tlsConnector(server, http, settings);
        connector.setHost(settings.bind());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        server.addConnector(connector);

        Handler handler = router;
        if (!settings.corsOrigins().isEmpty()) {
            handler = cors(settings.corsOrigins(), router);
        }
        // why: a stop lets requests in flight finish (a bulk submit that committed gets its answer) for STOP_TIMEOUT,
        // and answers new ones 503 meanwhile
        server.setHandler(new GracefulHandler(handler));
        server.setErrorHandler(new ProblemErrorHandler(mapper));
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalArgumentException(
                    "cannot listen on " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return new HttpServer(server, connector, settings.tlsKeystore() != null);
    }

    /**
     * HTTP/1.1 only. Why no h2c: browsers speak HTTP/2 only over TLS, and the one kind of client that asks for
     * cleartext HTTP/2 by default (the JDK's) then fails on an early answer to a body the server did not read (a
     * refused upload), where HTTP/1.1 hands it the answer.
     */
    private static ServerConnector clearConnector(Server server, HttpConfiguration http) {
        return new ServerConnector(server, new HttpConnectionFactory(http));
    }

    /** TLS, with HTTP/2 or HTTP/1.1 as ALPN agrees. */
    private static ServerConnector tlsConnector(Server server, HttpConfiguration http, Settings settings) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(settings.tlsKeystore().toString());
        ssl.setKeyStorePassword(settings.tlsKeystorePassword());
        ssl.setKeyStoreType("PKCS12");
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // why: certificates for "localhost" or an IP are common on a farm's private network; SNI checks would refuse
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http11 = new HttpConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        return new ServerConnector(
                server,
                new SslConnectionFactory(ssl, alpn.getProtocol()),
                alpn,
                new HTTP2ServerConnectionFactory(https),
                http11);
    }

    private static Handler cors(List<String> origins, Handler next) {
        CrossOriginHandler cors = new CrossOriginHandler();
        cors.setAllowedOriginPatterns(
                origins.contains("*")
                        ? Set.of("*")
                        : origins.stream().map(Pattern::quote).collect(Collectors.toSet()));
        cors.setAllowedMethods(Set.of("GET", "HEAD", "POST", "PUT", "DELETE"));
        cors.setAllowedHeaders(Set.of(
                "Content-Type", "Authorization", "Idempotency-Key", "Range", "If-None-Match", "If-Modified-Since"));
        cors.setExposedHeaders(
                Set.of("Location", "ETag", "Last-Modified", "Content-Range", "Content-Length", "Accept-Ranges"));
        cors.setAllowCredentials(false);
        cors.setPreflightMaxAge(Duration.ofMinutes(10));
        cors.setHandler(next);
        return cors;
    }

    /**
     * The base URL this machine reaches this server at, e.g. {@code http://127.0.0.1:8080}: the bind address, or
     * loopback for a wildcard bind.
     */
    public String baseUrl(String bind) {
        String host = isWildcard(bind) ? "127.0.0.1" : bind.contains(":") ? "[" + bind + "]" : bind;
        return (tls ? "https" : "http") + "://" + host + ":" + port();
    }

    /** Whether {@code bind} means every interface. */
    public static boolean isWildcard(String bind) {
        return "0.0.0.0".equals(bind) || "::".equals(bind) || "[::]".equals(bind);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Stops accepting requests and waits briefly for those in flight. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // a request still in flight after the grace period is cut off; the server is stopped either way
            log.warn("the HTTP server stopped without waiting for every request: {}", e.toString());
        }
    }

    /**
     * The errors Jetty answers before a request reaches the router (a malformed request line or header, headers too
     * large, a body that breaks the protocol) as problem documents, like every other error.
     */
    private static final class ProblemErrorHandler extends ErrorHandler {
        private final ObjectMapper mapper;

        ProblemErrorHandler(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            int status = response.getStatus();
            if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
                callback.succeeded();
                return true;
            }
            String code = switch (status) {
                case 400 -> "bad_request";
                case 404 -> "not_found";
                case 408 -> "request_timeout";
                case 413 -> "body_too_large";
                case 414 -> "uri_too_long";
                case 431 -> "headers_too_large";
                default -> status >= 500 ? "internal_error" : "http_" + status;
            };
            String detail;
            if (status >= 500) {
                // why: an exception's text may say more than a client should read; the log has it
                log.warn(
                        "{} {} failed with {}",
                        request.getMethod(),
                        request.getHttpURI().getPath(),
                        status,
                        request.getAttribute(ERROR_EXCEPTION));
                detail = "the server failed to handle this request; see its log";
            } else {
                Object message = request.getAttribute(ERROR_MESSAGE);
                detail = message == null ? HttpStatus.getMessage(status) : message.toString();
            }
            io.nommer.server.http.Response problem = Router.problem(status, code, detail, null);
            byte[] body = mapper.writeValueAsBytes(problem.json);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
