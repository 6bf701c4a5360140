package io.nommer.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentTypesTest {
    @Test
    void streamingFilesGetTheTypesPlayersAndOriginsExpect() {
        assertThat(ContentTypes.of("show.m3u8")).isEqualTo("application/vnd.apple.mpegurl");
        assertThat(ContentTypes.of("show.mpd")).isEqualTo("application/dash+xml");
        assertThat(ContentTypes.of("show.ismc")).isEqualTo("application/vnd.ms-sstr+xml");
        assertThat(ContentTypes.of("show.ism")).isEqualTo("application/smil+xml");
        assertThat(ContentTypes.of("show_360p_00001.m4s")).isEqualTo("video/iso.segment");
    }

    @Test
    void extensionIsTheLastNameSegmentsCaseInsensitively() {
        assertThat(ContentTypes.of("outputs/job.1/CLIP.MP4")).isEqualTo("video/mp4");
        assertThat(ContentTypes.of("archive.mp4.tar")).isEqualTo("application/x-tar");
    }

    @Test
    void unknownOrMissingExtensionIsOctetStream() {
        assertThat(ContentTypes.of("key")).isEqualTo("application/octet-stream");
        assertThat(ContentTypes.of("dir.d/noext")).isEqualTo("application/octet-stream");
        assertThat(ContentTypes.of("x.exe")).isEqualTo("application/octet-stream");
    }
}
