package io.nommer.storage.http;

import io.nommer.core.net.HostResolver;
import io.nommer.core.net.NetworkPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Resolves a host once, checks every address it has, and hands the HTTP client exactly those addresses to connect to.
 *
 * <p>why: checking a name and then letting the client resolve it again leaves a gap a DNS server can use (DNS
 * rebinding: a public answer for the check, 127.0.0.1 for the connection). Here the check and the connection use one
 * answer, so the address connected to is always one that was checked. The URL's host name is still what the request
 * carries (Host header, TLS SNI, certificate check). A host with any refused address is refused as a whole: the client
 * may connect to any of them.
 */
public final class CheckedAddressResolver implements SocketAddressResolver {
    private final HostResolver resolver;
    private final Function<InetAddress, Optional<String>> policy;

    /**
     * @param policy why an address is refused (empty: allowed); {@code a -> Optional.empty()} allows every address
     */
    public CheckedAddressResolver(HostResolver resolver, Function<InetAddress, Optional<String>> policy) {
        this.resolver = resolver;
        this.policy = policy;
    }

    /** Public addresses only ({@link NetworkPolicy}), or any address when {@code allowPrivateNetworks}. */
    public static CheckedAddressResolver of(boolean allowPrivateNetworks) {
        return new CheckedAddressResolver(
                HostResolver.SYSTEM, allowPrivateNetworks ? a -> Optional.empty() : NetworkPolicy::refusalReason);
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        // why: a lookup may take seconds; the caller may be a thread that must not block (the client's selector)
        Thread.ofVirtual().name("nommer-resolve").start(() -> {
            List<InetSocketAddress> checked;
            try {
                checked = check(host, port);
            } catch (Exception e) {
                promise.failed(e);
                return;
            }
            promise.succeeded(checked);
        });
    }

    /**
     * The addresses of {@code host} to connect to.
     *
     * @throws RefusedAddressException when any of them is refused
     * @throws UnknownHostException when the host has no address
     */
    List<InetSocketAddress> check(String host, int port) throws RefusedAddressException, UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(name);
        List<InetSocketAddress> checked = new ArrayList<>();
        for (InetAddress a : addresses) {
            Optional<String> reason = policy.apply(a);
            if (reason.isPresent()) {
                throw new RefusedAddressException(name, a, reason.get());
            }
            checked.add(new InetSocketAddress(a, port));
        }
        if (checked.isEmpty()) {
            throw new UnknownHostException(name);
        }
        return checked;
    }
}
