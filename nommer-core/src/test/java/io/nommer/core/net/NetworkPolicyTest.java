package io.nommer.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkPolicyTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.1.2.3",
                "::1",
                "10.0.0.1",
                "10.255.255.255",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.1",
                "169.254.169.254",
                "169.254.0.1",
                "fe80::1",
                "fc00::1",
                "fd12:3456::1",
                "0.0.0.0",
                "0.1.2.3",
                "::",
                "224.0.0.1",
                "239.255.255.250",
                "ff02::1",
                "100.64.0.1",
                "100.127.255.255",
                "::ffff:127.0.0.1",
                "::ffff:169.254.169.254",
                "::127.0.0.1",
                "::10.0.0.1",
                "64:ff9b::a9fe:a9fe",
                "64:ff9b::7f00:1",
                "2002:7f00:1::",
                "2002:c0a8:101::1",
                "255.255.255.255",
                "240.0.0.1",
                "198.18.0.1",
                "198.19.255.255",
                "192.0.0.170",
                "fd00:ec2::254",
                "100.100.100.200",
                "169.254.170.2"
            })
    void refusalReason_refusesNonPublicAddresses(String literal) throws UnknownHostException {
        assertThat(NetworkPolicy.refusalReason(InetAddress.getByName(literal))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "93.184.216.34",
                "172.15.255.255",
                "172.32.0.1",
                "100.63.255.255",
                "100.128.0.1",
                "169.253.255.255",
                "198.20.0.1",
                "11.0.0.1",
                "192.169.0.1",
                "2606:4700:4700::1111",
                "2001:4860:4860::8888",
                "64:ff9b::808:808",
                "2002:808:808::1"
            })
    void refusalReason_allowsPublicAddresses(String literal) throws UnknownHostException {
        assertThat(NetworkPolicy.refusalReason(InetAddress.getByName(literal))).isEmpty();
    }

    @Test
    void literalRefusal_judgesIpLiteralsAndLocalhostWithoutResolvingNames() {
        assertThat(NetworkPolicy.literalRefusal("127.0.0.1")).contains("a loopback address");
        assertThat(NetworkPolicy.literalRefusal("[fd00:ec2::254]")).contains("a private (unique local) address");
        assertThat(NetworkPolicy.literalRefusal("169.254.169.254")).contains("a link-local address");
        assertThat(NetworkPolicy.literalRefusal("LOCALHOST")).contains("a loopback address");
        assertThat(NetworkPolicy.literalRefusal("api.localhost")).contains("a loopback address");
        assertThat(NetworkPolicy.literalRefusal("8.8.8.8")).isEmpty();
        assertThat(NetworkPolicy.literalRefusal("hooks.example.com"))
                .as("names are judged when resolved")
                .isEmpty();
    }
}
