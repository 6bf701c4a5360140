package io.nommer.storage.http;

import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The HTTP client for nommer's own outgoing requests to addresses users name (http(s) inputs, webhooks): connects only
 * to addresses its {@link CheckedAddressResolver} checked, follows no redirects (callers decide, hop by hop), uses no
 * proxy, keeps no cookies and decodes no content encodings (bytes counted are bytes received).
 */
public final class PinnedHttpClient {
    private PinnedHttpClient() {}

    /**
     * A started client; {@link HttpClient#stop()} it when done. Its threads are daemons named after {@code name}.
     *
     * @throws IllegalStateException when the client cannot start
     */
    public static HttpClient start(
            String name, CheckedAddressResolver resolver, Duration connectTimeout, String userAgent) {
        HttpClient client = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(name);
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler(name + "-scheduler", true));
        client.setSocketAddressResolver(resolver);
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.getContentDecoderFactories().clear();
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client " + name + ": " + e, e);
        }
        return client;
    }

    /** Stops {@code client}, closing its connections; never throws. */
    public static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(PinnedHttpClient.class)
                    .debug("stopping an HTTP client: {}", e.toString());
        }
    }
}
