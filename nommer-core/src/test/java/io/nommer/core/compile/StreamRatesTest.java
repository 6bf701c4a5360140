package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.compile.StreamRates.Segment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamRatesTest {

    @Test
    void hlsPeak_isTheBusiestRunOfHalfToOneAndAHalfTargetDurations() {
        // 6 s target: 100 kB, 200 kB, 100 kB segments of 6 s each
        List<Segment> s = List.of(new Segment(6, 100_000), new Segment(6, 200_000), new Segment(6, 100_000));

        StreamRates r = StreamRates.hls(s, 6);

        assertThat(r.peak()).isEqualTo(266_667); // 200 kB in 6 s
        assertThat(r.average()).isEqualTo(177_778); // 400 kB in 18 s
    }

    @Test
    void hlsPeak_doesNotCountATinyLastSegmentAlone_butItsBytesInTheRunBeforeIt() {
        // a 0.04 s tail of 20 kB alone would be 4 Mbit/s; with the 6 s before it, the run lasts 6.04 s
        List<Segment> s = List.of(new Segment(6, 150_000), new Segment(6, 150_000), new Segment(0.04, 20_000));

        StreamRates r = StreamRates.hls(s, 6);

        assertThat(r.peak()).isEqualTo((long) Math.ceil(170_000 * 8 / 6.04));
        assertThat(r.peak()).isGreaterThanOrEqualTo(r.average());
    }

    @Test
    void hlsPeak_ofAPlaylistShorterThanHalfItsTarget_isItsAverage() {
        StreamRates r = StreamRates.hls(List.of(new Segment(1, 10_000)), 6);

        assertThat(r).isEqualTo(new StreamRates(80_000, 80_000));
    }

    @Test
    void dashBandwidth_deliversEverySegmentBeforeItIsDue_fromAnyStart() {
        // 4 s buffer; segments of 4 s: 40 kB, 80 kB, 40 kB; init 1 kB
        List<Segment> s = List.of(new Segment(4, 40_000), new Segment(4, 80_000), new Segment(4, 40_000));

        long b = StreamRates.dashBandwidth(s, 1_000, 4);

        // starting at the second segment: 81 kB due after 4 s
        assertThat(b).isEqualTo(162_000);
        assertThat(StreamRates.dashBandwidth(s, 1_000, 8)).isEqualTo(81_000);
    }

    @Test
    void segments_areNeverNegative() {
        assertThatThrownBy(() -> new Segment(-1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Segment(Double.NaN, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Segment(1, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hlsMaster_sumsEachVariantWithTheAudio_andListsFrameRates() {
        HlsMaster master = new HlsMaster(
                List.of(
                        new HlsMaster.Variant("o-v0.m3u8", 1280, 720, 25, "avc1.64001f"),
                        new HlsMaster.Variant("o-v1.m3u8", 640, 360, 29.97, "avc1.64001e")),
                "o-audio.m3u8",
                true);

        String m3u8 = master.render(Map.of(
                "o-v0.m3u8", new StreamRates(2_600_000, 2_300_000),
                "o-v1.m3u8", new StreamRates(700_000, 610_000),
                "o-audio.m3u8", new StreamRates(140_000, 131_000)));

        assertThat(m3u8).isEqualTo("""
                        #EXTM3U
                        #EXT-X-VERSION:3
                        #EXT-X-INDEPENDENT-SEGMENTS
                        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="o-audio.m3u8"
                        #EXT-X-STREAM-INF:BANDWIDTH=2740000,AVERAGE-BANDWIDTH=2431000,RESOLUTION=1280x720,FRAME-RATE=25.000,\
                        CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"
                        o-v0.m3u8
                        #EXT-X-STREAM-INF:BANDWIDTH=840000,AVERAGE-BANDWIDTH=741000,RESOLUTION=640x360,FRAME-RATE=29.970,\
                        CODECS="avc1.64001e,mp4a.40.2",AUDIO="audio"
                        o-v1.m3u8
                        #EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=131000,CODECS="mp4a.40.2",AUDIO="audio"
                        o-audio.m3u8
                        """);
        assertThat(master.mediaPlaylists()).containsExactly("o-v0.m3u8", "o-v1.m3u8", "o-audio.m3u8");
    }

    @Test
    void hlsMaster_withoutAudio_hasNoAudioGroup() {
        HlsMaster master =
                new HlsMaster(List.of(new HlsMaster.Variant("v.m3u8", 320, 180, 25, "avc1.64000d")), null, false);

        assertThat(master.render(Map.of("v.m3u8", new StreamRates(300_000, 250_000))))
                .doesNotContain("EXT-X-MEDIA", "AUDIO=", "mp4a")
                .contains("BANDWIDTH=300000,AVERAGE-BANDWIDTH=250000,RESOLUTION=320x180,FRAME-RATE=25.000,"
                        + "CODECS=\"avc1.64000d\"\nv.m3u8\n");
        assertThatThrownBy(() -> master.render(Map.of())).hasMessageContaining("v.m3u8");
    }
}
