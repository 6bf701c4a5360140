package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ServerAddressTest {
    @Test
    void parse_takesUrlsAsTheyAre() {
        assertThat(ServerAddress.parse("http://127.0.0.1:8080")).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(ServerAddress.parse("https://media.example.com/nommer"))
                .isEqualTo(URI.create("https://media.example.com/nommer"));
    }

    @Test
    void parse_takesHostAndPortAsHttp() {
        assertThat(ServerAddress.parse("127.0.0.1:8080")).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(ServerAddress.parse("media.example.com:9000/prefix"))
                .isEqualTo(URI.create("http://media.example.com:9000/prefix"));
        assertThat(ServerAddress.parse("[::1]:9000")).isEqualTo(URI.create("http://[::1]:9000"));
    }

    @Test
    void parse_fillsInNommersPortAndLoopback() {
        assertThat(ServerAddress.parse("encoder-3")).isEqualTo(URI.create("http://encoder-3:8080"));
        assertThat(ServerAddress.parse(":9000")).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(ServerAddress.parse("9000")).isEqualTo(URI.create("http://127.0.0.1:9000"));
    }

    @Test
    void parse_refusesWhatIsNoServerAddress_sayingWhy() {
        assertThatThrownBy(() -> ServerAddress.parse("ftp://example.com")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> ServerAddress.parse("127.0.0.1:99999")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServerAddress.parse("not a host")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> ServerAddress.parse("http://example.com/?q=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> ServerAddress.parse(" ")).hasMessageContaining("empty");
    }
}
