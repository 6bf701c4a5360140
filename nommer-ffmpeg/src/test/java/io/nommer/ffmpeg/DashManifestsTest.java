package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashManifestsTest {
    @TempDir
    Path dir;

    private static final String MPD = """
            <?xml version="1.0" encoding="utf-8"?>
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" minBufferTime="PT8.0S">
              <Period id="0" start="PT0.0S">
                <AdaptationSet id="0" contentType="video" bitstreamSwitching="true" segmentAlignment="true">
                  <Representation id="0" mimeType="video/mp4" bandwidth="1000">
                    <SegmentTemplate timescale="1000" initialization="i-$RepresentationID$.m4s" \
            media="c-$RepresentationID$-$Number%03d$.m4s" startNumber="1">
                      <SegmentTimeline><S t="0" d="2000" r="1"/></SegmentTimeline>
                    </SegmentTemplate>
                  </Representation>
                </AdaptationSet>
                <AdaptationSet id="1" contentType="audio" bitstreamSwitching="true">
                  <Representation id="1" mimeType="audio/mp4" bandwidth="1000">
                    <SegmentTemplate timescale="48000" initialization="i-$RepresentationID$.m4s" \
            media="c-$RepresentationID$-$Number%03d$.m4s" startNumber="1">
                      <SegmentTimeline><S t="0" d="96000"/><S d="93696"/><S d="2304"/></SegmentTimeline>
                    </SegmentTemplate>
                  </Representation>
                </AdaptationSet>
              </Period>
            </MPD>
            """;

    @Test
    void mpd_declaresMeasuredBandwidths_noBitstreamSwitching_andTheLongestSegmentAsBuffer() throws IOException {
        Path mpd = write(MPD);
        Files.write(dir.resolve("i-0.m4s"), new byte[500]);
        Files.write(dir.resolve("c-0-001.m4s"), new byte[50_000]);
        Files.write(dir.resolve("c-0-002.m4s"), new byte[20_000]);
        Files.write(dir.resolve("i-1.m4s"), new byte[100]);
        Files.write(dir.resolve("c-1-001.m4s"), segment(30_000, 96000));
        Files.write(dir.resolve("c-1-002.m4s"), segment(29_000, 93696));
        Files.write(dir.resolve("c-1-003.m4s"), segment(700, 2304));
        long tail = Files.size(dir.resolve("c-1-003.m4s")) - 24 - 52;

        DashManifests.correct(mpd);

        String out = Files.readString(mpd);
        assertThat(out).doesNotContain("bitstreamSwitching").contains("minBufferTime=\"PT2.000S\"");
        // video: the first segment with its init, due after the 2 s buffer
        assertThat(out).contains("bandwidth=\"202000\"");
        assertThat(out).as("the audio tail merged").contains("<S d=\"96000\" r=\"1\" t=\"0\"/>");
        assertThat(dir.resolve("c-1-003.m4s")).doesNotExist();
        byte[] merged = Files.readAllBytes(dir.resolve("c-1-002.m4s"));
        ByteBuffer b = ByteBuffer.wrap(merged);
        assertThat(merged).hasSize((int) (segment(29_000, 93696).length + tail));
        assertThat(b.getInt(24 + 32) & 0x7fffffff)
                .as("the index's referenced size covers both fragments")
                .isEqualTo(merged.length - 24 - 52);
        assertThat(b.getInt(24 + 36)).as("and both durations").isEqualTo(96000);
        assertThat(new String(merged, merged.length - (int) tail + 4, 4, StandardCharsets.ISO_8859_1))
                .as("the tail's own styp and sidx dropped")
                .isEqualTo("moof");
    }

    @Test
    void aSegmentTheMpdNames_mustExist() throws IOException {
        Path mpd = write(MPD);
        Files.write(dir.resolve("i-0.m4s"), new byte[500]);

        assertThatThrownBy(() -> DashManifests.correct(mpd))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("c-0-001.m4s, which was not written beside it");
    }

    @Test
    void templates_expandEveryIdentifier() {
        assertThat(DashManifests.expand("a-$RepresentationID$-$Number%05d$-$Time$-$$.m4s", "v1", 7, 9000))
                .isEqualTo("a-v1-00007-9000-$.m4s");
    }

    private Path write(String mpd) throws IOException {
        Path p = dir.resolve("m.mpd");
        Files.writeString(p, mpd);
        return p;
    }

    /** A media segment as ffmpeg's dash muxer writes one: styp, a one-reference sidx, moof, mdat. */
    private static byte[] segment(int mediaBytes, int duration) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer styp = ByteBuffer.allocate(24).putInt(24).put(bytes("styp")).put(bytes("msdh"));
        out.writeBytes(styp.array());
        int moofSize = 16;
        int fragment = moofSize + 8 + mediaBytes;
        ByteBuffer sidx = ByteBuffer.allocate(52)
                .putInt(52)
                .put(bytes("sidx"))
                .putInt(0)
                .putInt(1)
                .putInt(48000)
                .putInt(0)
                .putInt(0)
                .putShort((short) 0)
                .putShort((short) 1)
                .putInt(fragment)
                .putInt(duration)
                .putInt(0x90000000);
        out.writeBytes(sidx.array());
        out.writeBytes(ByteBuffer.allocate(moofSize)
                .putInt(moofSize)
                .put(bytes("moof"))
                .putInt(8)
                .put(bytes("free"))
                .array());
        out.writeBytes(
                ByteBuffer.allocate(8).putInt(8 + mediaBytes).put(bytes("mdat")).array());
        out.writeBytes(new byte[mediaBytes]);
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
