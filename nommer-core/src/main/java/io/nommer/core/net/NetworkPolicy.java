package io.nommer.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses nommer's own outgoing requests (http(s) input downloads, webhooks) may connect to when private
 * networks are not allowed: only public unicast ones.
 * Refuses loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with cloud metadata,
 * fe80::/10), unspecified, multicast, CGNAT (100.64/10), "this network" (0/8), IETF protocol assignments
 * (192.0.0/24), benchmarking (198.18/15), reserved (240/4, broadcast), and IPv6 forms that embed such an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16). Cloud metadata endpoints fall in these:
 * 169.254.169.254 and 169.254.170.2 (link-local), fd00:ec2::254 (unique local), 100.100.100.200 (CGNAT).
 *
 * <p>The real guard is applied when connecting (see {@code io.nommer.storage.http.CheckedAddressResolver}): the
 * addresses checked are the ones connected to. {@link #literalRefusal} only refuses the obvious early.
 */
public final class NetworkPolicy {
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");

    private NetworkPolicy() {}

    /** @return why {@code address} is refused, or empty when it is a public address */
    public static Optional<String> refusalReason(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            Optional<Inet4Address> embedded = embeddedIpv4(b);
            if (embedded.isPresent()) {
                return refusalReason(embedded.get()).map(r -> r + " (embedded in " + v6.getHostAddress() + ")");
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("a private (unique local) address");
            }
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("an unspecified address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            int a2 = b[2] & 0xff;
            if (a0 == 100 && (a1 & 0xc0) == 64) {
                return Optional.of("a carrier-grade NAT address");
            }
            if (a0 == 0) {
                return Optional.of("a 'this network' address");
            }
            if (a0 == 192 && a1 == 0 && a2 == 0) {
                return Optional.of("an IETF protocol address");
            }
            if (a0 == 198 && (a1 & 0xfe) == 18) {
                return Optional.of("a benchmarking address");
            }
            if (a0 >= 240) {
                return Optional.of("a reserved address");
            }
        }
        return Optional.empty();
    }

    /**
     * Judges a URL's host without a DNS lookup: IP literals (IPv6 with or without brackets) and {@code localhost}
     * names. Other names are only judged when they are resolved, at connection time.
     *
     * @return why the host is refused, or empty when it is a public literal or a name
     */
    public static Optional<String> literalRefusal(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || lower.endsWith(".localhost") || lower.equals("localhost.")) {
            return Optional.of("a loopback address");
        }
        if (!h.contains(":") && !IPV4_LITERAL.matcher(h).matches()) {
            return Optional.empty();
        }
        try {
            // why: a literal, so getByName parses it and asks no DNS server
            return refusalReason(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<Inet4Address> embeddedIpv4(byte[] b) {
        byte[] v4 = null;
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            v4 = Arrays.copyOfRange(b, 12, 16); // ::ffff:a.b.c.d (Java usually hands these over as Inet4Address)
        } else if (allZero(b, 0, 12) && !allZero(b, 12, 16) && !(allZero(b, 12, 15) && b[15] == 1)) {
            v4 = Arrays.copyOfRange(b, 12, 16); // ::a.b.c.d, but not :: or ::1
        } else if ((b[0] & 0xff) == 0x00
                && (b[1] & 0xff) == 0x64
                && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            v4 = Arrays.copyOfRange(b, 12, 16); // 64:ff9b::a.b.c.d
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            v4 = Arrays.copyOfRange(b, 2, 6); // 2002:aabb:ccdd::
        }
        if (v4 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
