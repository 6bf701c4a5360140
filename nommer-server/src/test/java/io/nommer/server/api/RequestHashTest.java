package io.nommer.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RequestHashTest {
    private final ObjectMapper mapper = Json.mapper();

    @Test
    void of_ignoresMemberOrderAndSpacing_atEveryDepth() throws Exception {
        String a = hash("{\"input\": \"upload:u1\", \"outputs\": [{\"preset\": \"mp3\", \"name\": \"a\"}],"
                + " \"metadata\": {\"x\": 1, \"y\": [1, {\"b\": 2, \"a\": 1}]}}");
        String b = hash("{\"metadata\":{\"y\":[1,{\"a\":1,\"b\":2}],\"x\":1},"
                + "\"outputs\":[{\"name\":\"a\",\"preset\":\"mp3\"}],\"input\":\"upload:u1\"}");

        assertThat(a).isEqualTo(b).hasSize(64);
    }

    @Test
    void of_tellsApartAnyDifferenceInValuesOrArrayOrder() throws Exception {
        String base = hash("{\"input\": \"upload:u1\", \"outputs\": [{\"preset\": \"mp3\"}, {\"preset\": \"flac\"}]}");

        assertThat(hash("{\"input\": \"upload:u2\", \"outputs\": [{\"preset\": \"mp3\"}, {\"preset\": \"flac\"}]}"))
                .isNotEqualTo(base);
        assertThat(hash("{\"input\": \"upload:u1\", \"outputs\": [{\"preset\": \"flac\"}, {\"preset\": \"mp3\"}]}"))
                .as("outputs are an ordered list")
                .isNotEqualTo(base);
        assertThat(hash("{\"input\": \"upload:u1\", \"outputs\": [{\"preset\": \"mp3\"}, {\"preset\": \"flac\"}],"
                        + " \"priority\": \"low\"}"))
                .isNotEqualTo(base);
    }

    private String hash(String json) throws Exception {
        return RequestHash.of(mapper, mapper.readTree(json));
    }
}
