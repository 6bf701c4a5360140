package io.nommer.storage.http;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A connection was not opened because the host resolved to an address the {@link io.nommer.core.net.NetworkPolicy}
 * refuses. The message names the host, the address and why (never a URL's query).
 */
public final class RefusedAddressException extends IOException {
    private final String host;
    private final String reason;

    public RefusedAddressException(String host, InetAddress address, String reason) {
        super(host + " resolves to " + address.getHostAddress() + ", " + reason);
        this.host = host;
        this.reason = reason;
    }

    public String host() {
        return host;
    }

    /** e.g. {@code a loopback address} */
    public String reason() {
        return reason;
    }
}
