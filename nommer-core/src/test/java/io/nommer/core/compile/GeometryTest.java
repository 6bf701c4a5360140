package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.profile.AspectMode;
import io.nommer.core.profile.DisplayAspect;
import org.junit.jupiter.api.Test;

class GeometryTest {
    @Test
    void preserve_fitsInsideTheBoxKeepingAspect() {
        Geometry g = Geometry.fit(1920, 1080, 640, 640, AspectMode.PRESERVE, false);
        assertThat(g).extracting(Geometry::outWidth, Geometry::outHeight).containsExactly(640, 360);
        assertThat(g.filter()).isEqualTo("scale=640:360:flags=bicubic,setsar=1");
    }

    @Test
    void preserve_neverUpscalesUnlessAsked() {
        assertThat(Geometry.fit(320, 240, 1280, 720, AspectMode.PRESERVE, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(320, 240);
        assertThat(Geometry.fit(320, 240, 1280, 720, AspectMode.PRESERVE, true))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(960, 720);
    }

    @Test
    void letterbox_padsToExactlyTheBox() {
        Geometry g = Geometry.fit(1920, 1080, 320, 240, AspectMode.LETTERBOX, false);
        assertThat(g)
                .extracting(Geometry::scaleWidth, Geometry::scaleHeight, Geometry::outWidth, Geometry::outHeight)
                .containsExactly(320, 180, 320, 240);
        assertThat(g.filter())
                .isEqualTo("scale=320:180:flags=bicubic,setsar=1,pad=320:240:(ow-iw)/2:(oh-ih)/2:color=black");
    }

    @Test
    void crop_coversTheBoxAndCropsTheOverflow() {
        Geometry g = Geometry.fit(1920, 1080, 320, 240, AspectMode.CROP, false);
        assertThat(g)
                .extracting(Geometry::scaleWidth, Geometry::scaleHeight, Geometry::outWidth, Geometry::outHeight)
                .containsExactly(426, 240, 320, 240);
        assertThat(g.filter()).endsWith(",crop=320:240");
    }

    @Test
    void stretch_ignoresAspect() {
        assertThat(Geometry.fit(1920, 1080, 320, 240, AspectMode.STRETCH, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(320, 240);
    }

    @Test
    void oneSide_derivesTheOtherFromTheSourceAspect() {
        assertThat(Geometry.fit(1920, 1080, 640, null, AspectMode.LETTERBOX, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(640, 360);
    }

    @Test
    void anamorphicSource_isScaledToSquarePixels() {
        // 720x576 PAL with 16:15 sample aspect displays as 768x576.
        assertThat(Geometry.fit(720 * 16.0 / 15, 576, null, null, null, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(768, 576);
    }

    @Test
    void oddResults_areRoundedToEven() {
        assertThat(Geometry.fit(1000, 333, 500, 500, AspectMode.PRESERVE, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(500, 166);
    }

    @Test
    void degenerateSource_isRefused() {
        assertThatThrownBy(() -> Geometry.fit(0, 100, 10, 10, AspectMode.PRESERVE, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anamorphicBox_fitsInDisplaySpace_soShapesStayTrueOnScreen() {
        // 16:9 HD into NTSC shown at 4:3: the 640x480 display box holds 640x360 of picture, stored 720 pixels wide
        Geometry letterbox = Geometry.fit(1920, 1080, 720, 480, AspectMode.LETTERBOX, false, new DisplayAspect(4, 3));
        assertThat(letterbox.filter())
                .isEqualTo("scale=720:360:flags=bicubic,setsar=8/9,pad=720:480:(ow-iw)/2:(oh-ih)/2:color=black");
        // at 16:9 (1024x576 shown) the same source fills PAL's frame exactly
        assertThat(Geometry.fit(1920, 1080, 720, 576, AspectMode.LETTERBOX, false, new DisplayAspect(16, 9))
                        .filter())
                .isEqualTo("scale=720:576:flags=bicubic,setsar=64/45");
        // a 4:3 source into a 16:9 NTSC frame: pillarboxed to 360 shown pixels of 853, 540 stored of 720
        assertThat(Geometry.fit(640, 480, 720, 480, AspectMode.PAD, false, new DisplayAspect(16, 9)))
                .extracting(Geometry::scaleWidth, Geometry::scaleHeight, Geometry::sampleAspect)
                .containsExactly(540, 480, "32/27");
        // crop and stretch fill the box, in display space too
        assertThat(Geometry.fit(1920, 1080, 720, 480, AspectMode.CROP, true, new DisplayAspect(4, 3))
                        .filter())
                .isEqualTo("scale=960:480:flags=bicubic,setsar=8/9,crop=720:480");
        assertThat(Geometry.fit(1920, 1080, 720, 576, AspectMode.STRETCH, false, new DisplayAspect(4, 3))
                        .filter())
                .isEqualTo("scale=720:576:flags=bicubic,setsar=16/15");
    }
}
