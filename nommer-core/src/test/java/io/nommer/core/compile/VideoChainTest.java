package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Profile;
import io.nommer.core.testing.Profiles;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VideoChainTest {
    private static StreamInfo source(int w, int h, double fps, String fieldOrder) {
        return new StreamInfo(0, "video", "h264", w, h, fps, null, null, null, 2.0, "1:1", 0, fieldOrder);
    }

    private static String chain(String preset, Map<String, Object> overrides, StreamInfo source) {
        Profile p = Profiles.preset(preset, overrides);
        return VideoChain.of(p, source).filter();
    }

    @Test
    void progressiveOutput_deinterlacesOnlyInterlacedSources() {
        assertThat(chain("mp4-h264", Map.of(), source(1920, 1080, 25, "tt")))
                .isEqualTo("bwdif=mode=send_frame:parity=auto:deint=interlaced,scale=1280:720:flags=bicubic,setsar=1");
        assertThat(chain("mp4-h264", Map.of(), source(1920, 1080, 25, "progressive")))
                .isEqualTo("scale=1280:720:flags=bicubic,setsar=1");
    }

    @Test
    void sourceWithFramesForEveryField_isWovenFromSuccessiveFrames() {
        assertThat(chain("ntsc-sd-h264", Map.of(), source(1280, 720, 60000 / 1001.0, "progressive")))
                .endsWith(",fps=60000/1001,interlace=scan=tff:lowpass=complex");
        assertThat(chain("pal-sd-mpeg2", Map.of("field_order", "bff"), source(1280, 720, 50, "progressive")))
                .endsWith(",fps=50,interlace=scan=bff:lowpass=complex");
        // a motion-compensated conversion makes the field-rate frames the source lacks
        assertThat(chain(
                        "pal-sd-h264",
                        Map.of("frame_rate_conversion", "motion_compensated"),
                        source(1280, 720, 25, "progressive")))
                .endsWith(",minterpolate=fps=50:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1,"
                        + "interlace=scan=tff:lowpass=complex");
    }

    @Test
    void filmIntoNtsc_getsPulldown_andOtherRatesShowBothFieldsAtOneInstant() {
        assertThat(chain("ntsc-sd-mpeg2", Map.of(), source(1920, 1080, 24000 / 1001.0, "progressive")))
                .endsWith(",telecine=first_field=top:pattern=23");
        assertThat(chain("pal-sd-h264", Map.of(), source(1920, 1080, 25, "progressive")))
                .endsWith(",setfield=tff");
    }

    @Test
    void interlacedSource_keepsItsFieldsWhenOnlyTheOrderChanges_elseIsDeinterlacedToFieldsFirst() {
        StreamInfo pal =
                new StreamInfo(0, "video", "mpeg2video", 720, 576, 25.0, null, null, null, 2.0, "16:15", 0, "tt");
        assertThat(chain("pal-sd-h264", Map.of(), pal)).isEqualTo("scale=720:576:interl=1:flags=bicubic,setsar=16/15");
        assertThat(chain("pal-sd-h264", Map.of("field_order", "bff"), pal))
                .isEqualTo("scale=720:576:interl=1:flags=bicubic,setsar=16/15,fieldorder=bff");
        // 1080i to NTSC: one frame per field, scaled, then woven again
        assertThat(chain("ntsc-sd-h264", Map.of(), source(1920, 1080, 30000 / 1001.0, "tt")))
                .isEqualTo(
                        "bwdif=mode=send_field:parity=auto:deint=all,scale=720:360:flags=bicubic,setsar=8/9,"
                                + "pad=720:480:(ow-iw)/2:(oh-ih)/2:color=black,fps=60000/1001,interlace=scan=tff:lowpass=complex");
    }
}
