package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nommer.core.compile.Ladder.Rung;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {
    private static List<Rung> ladder(double w, double h, Integer top, Integer capW, Integer capH, boolean upscale) {
        return Ladder.of(w, h, top, 4, capW, capH, upscale, 25, "high", null);
    }

    @Test
    void defaultBitrates_areTheSeedLadder() {
        assertThat(Ladder.bitrates(null, 4)).containsExactly(2400, 600, 300, 120);
        assertThat(Ladder.bitrates(null, 1)).containsExactly(2400);
    }

    @Test
    void videoBitrate_givesItsHalfQuarterAndEighth() {
        assertThat(Ladder.bitrates(4000, 4)).containsExactly(4000, 2000, 1000, 500);
        assertThat(ladder(1920, 1080, 4000, null, null, false))
                .extracting(Rung::videoBitrate)
                .containsExactly(4000, 2000, 1000, 500);
    }

    @Test
    void sizesFollowTheBitrateTable_keepingAspectWithEvenDimensions() {
        assertThat(ladder(1920, 1080, null, null, null, false))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(1280, 720), tuple(640, 360), tuple(480, 270), tuple(320, 180));
        // 4:3 source: widths follow the aspect and are rounded to even numbers
        assertThat(ladder(1440, 1080, 5000, null, null, false))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(1440, 1080), tuple(960, 720), tuple(720, 540), tuple(480, 360));
        assertThat(ladder(1000, 562, 600, null, null, false)).allSatisfy(r -> {
            assertThat(r.width() % 2).isZero();
            assertThat(r.height() % 2).isZero();
        });
    }

    @Test
    void smallSource_isNeverUpscaledUnlessAsked() {
        assertThat(ladder(320, 240, null, null, null, false))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(320, 240), tuple(320, 240), tuple(320, 240), tuple(240, 180));
        assertThat(ladder(320, 240, null, null, null, true))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(960, 720), tuple(480, 360), tuple(360, 270), tuple(240, 180));
    }

    @Test
    void portraitSource_appliesTheTableToItsShorterSide() {
        assertThat(ladder(1080, 1920, null, null, null, false))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(720, 1280), tuple(360, 640), tuple(270, 480), tuple(180, 320));
    }

    @Test
    void profileWidthAndHeight_capTheTopRungAndSoEveryRung() {
        assertThat(ladder(1920, 1080, 5000, 854, 480, false))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(854, 480), tuple(854, 480), tuple(854, 480), tuple(640, 360));
        assertThat(ladder(1920, 1080, 5000, 640, null, false))
                .extracting(Rung::width, Rung::height)
                .containsExactly(tuple(640, 360), tuple(640, 360), tuple(640, 360), tuple(640, 360));
    }

    @Test
    void level_isTheLowestThatFitsSizeRateAndBitrate() {
        assertThat(Ladder.level(1280, 720, 25, 2400, "high")).isEqualTo("3.1");
        assertThat(Ladder.level(1280, 720, 60, 2400, "high")).isEqualTo("3.2");
        assertThat(Ladder.level(1920, 1080, 30, 5000, "high")).isEqualTo("4.0");
        assertThat(Ladder.level(320, 180, 25, 120, "high")).isEqualTo("3.0");
        assertThat(new Rung(0, 2400, 1280, 720, "3.1").codecs("high")).isEqualTo("avc1.64001f");
        assertThat(new Rung(0, 600, 640, 360, "3.0").codecs("main")).isEqualTo("avc1.4d401e");
    }
}
