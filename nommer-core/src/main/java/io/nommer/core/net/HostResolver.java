package io.nommer.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a host name to every address it has; a seam so tests can pretend a name points somewhere. */
@FunctionalInterface
public interface HostResolver {
    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
