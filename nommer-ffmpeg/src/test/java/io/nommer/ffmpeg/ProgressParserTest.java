package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProgressParserTest {

    private static List<Double> percents(ProgressParser parser, List<String> lines) {
        List<Double> out = new ArrayList<>();
        for (String l : lines) {
            OptionalDouble p = parser.accept(l);
            p.ifPresent(out::add);
        }
        return out;
    }

    @Test
    void recordedVp9Run_reportsRisingPercentagesEndingAt100() {
        ProgressParser parser = new ProgressParser(6.006);
        List<Double> p = percents(parser, Recorded.lines("progress-vp9-6s.txt"));

        assertThat(p).hasSize(6).isSorted();
        assertThat(p.get(0)).isCloseTo(0.054 / 6.006 * 100, within(0.01));
        assertThat(p.get(1)).isCloseTo(2.054 / 6.006 * 100, within(0.01));
        assertThat(p.get(4)).isCloseTo(5.714 / 6.006 * 100, within(0.01));
        assertThat(p.getLast()).isEqualTo(100);
        assertThat(parser.ended()).isTrue();
        assertThat(parser.outSeconds()).isCloseTo(6.034, within(1e-9));
    }

    @Test
    void recordedShortRun_endsAt100EvenWhenOutTimePassesTheDuration() {
        ProgressParser parser = new ProgressParser(2.0);
        List<Double> p = percents(parser, Recorded.lines("progress-mpeg4-2s.txt"));

        assertThat(p).containsExactly(0.046440 / 2 * 100, 100.0);
    }

    @Test
    void percentNeverExceeds100BeforeTheEnd() {
        ProgressParser parser = new ProgressParser(1.0);
        parser.accept("out_time_us=2500000");

        assertThat(parser.accept("progress=continue")).hasValue(100);
        assertThat(parser.ended()).isFalse();
    }

    @Test
    void outTimeMsIsReadAsMicroseconds() {
        ProgressParser parser = new ProgressParser(10.0);
        parser.accept("out_time_ms=5000000");

        assertThat(parser.accept("progress=continue")).hasValue(50);
    }

    @Test
    void outTimeClockIsUsedWhenTheNumericKeysAreMissing() {
        ProgressParser parser = new ProgressParser(100.0);
        parser.accept("out_time=00:01:15.000000");

        assertThat(parser.accept("progress=continue")).hasValue(75);
    }

    @Test
    void notAvailableValuesAreIgnoredAndTheLastKnownPositionKept() {
        ProgressParser parser = new ProgressParser(10.0);
        parser.accept("out_time_us=N/A");
        parser.accept("out_time_ms=N/A");
        parser.accept("out_time=N/A");
        assertThat(parser.accept("progress=continue")).isEmpty();

        parser.accept("out_time_us=1000000");
        assertThat(parser.accept("progress=continue")).hasValue(10);
        parser.accept("out_time_us=N/A");
        assertThat(parser.accept("progress=continue")).hasValue(10);
    }

    @Test
    void unknownDurationReportsOnlyTheEnd() {
        ProgressParser parser = new ProgressParser(null);
        List<Double> p = percents(parser, Recorded.lines("progress-vp9-6s.txt"));

        assertThat(p).containsExactly(100.0);
    }

    @Test
    void clockParsing_handlesHoursAndNegativeTimes() {
        assertThat(ProgressParser.parseClock("01:00:00.500000")).isEqualTo(3_600_500_000L);
        assertThat(ProgressParser.parseClock("-00:00:00.023220")).isEqualTo(-23_220L);
        assertThat(ProgressParser.parseClock("N/A")).isNull();
    }

    @Test
    void garbageLinesAreIgnored() {
        ProgressParser parser = new ProgressParser(10.0);

        assertThat(parser.accept("")).isEmpty();
        assertThat(parser.accept("no equals sign")).isEmpty();
        assertThat(parser.accept("=value")).isEmpty();
        assertThat(parser.accept("bitrate= 552.0kbits/s")).isEmpty();
    }
}
