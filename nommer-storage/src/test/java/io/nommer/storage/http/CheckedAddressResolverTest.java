package io.nommer.storage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.net.NetworkPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;

class CheckedAddressResolverTest {
    @Test
    void resolve_answersExactlyTheAddressesItChecked() throws Exception {
        InetAddress[] answer = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("2606:4700::1")};
        var resolver = new CheckedAddressResolver(host -> answer, NetworkPolicy::refusalReason);

        assertThat(resolve(resolver, "media.example", 443))
                .containsExactly(new InetSocketAddress(answer[0], 443), new InetSocketAddress(answer[1], 443));
    }

    @Test
    void resolve_refusesAHostWithAnyRefusedAddress_namingItAndWhy() throws Exception {
        InetAddress[] answer = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")};
        var resolver = new CheckedAddressResolver(host -> answer, NetworkPolicy::refusalReason);

        assertThatThrownBy(() -> resolve(resolver, "hooks.example", 80))
                .hasCauseInstanceOf(RefusedAddressException.class)
                .cause()
                .hasMessage("hooks.example resolves to 169.254.169.254, a link-local address");
    }

    @Test
    void resolve_judgesIpv6LiteralsWithoutTheirBrackets() {
        var strict = CheckedAddressResolver.of(false);

        assertThatThrownBy(() -> strict.check("[fd00:ec2::254]", 80))
                .isInstanceOf(RefusedAddressException.class)
                .hasMessageContaining("private");
        assertThatThrownBy(() -> strict.check("127.0.0.1", 80)).isInstanceOf(RefusedAddressException.class);
    }

    @Test
    void resolve_allowsEveryAddressWhenPrivateNetworksAreAllowed() throws Exception {
        assertThat(CheckedAddressResolver.of(true).check("127.0.0.1", 8080))
                .containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
        var none = new CheckedAddressResolver(host -> new InetAddress[0], a -> Optional.empty());
        assertThatThrownBy(() -> none.check("nowhere.example", 80)).isInstanceOf(UnknownHostException.class);
    }

    private static List<InetSocketAddress> resolve(CheckedAddressResolver r, String host, int port)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        CompletableFuture<List<InetSocketAddress>> answer = new CompletableFuture<>();
        r.resolve(host, port, Map.of(), Promise.from(answer::complete, answer::completeExceptionally));
        return answer.get(5, TimeUnit.SECONDS);
    }
}
