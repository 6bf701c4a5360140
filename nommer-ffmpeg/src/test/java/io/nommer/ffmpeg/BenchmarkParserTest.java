package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class BenchmarkParserTest {

    private static double sum(List<String> lines) {
        return lines.stream()
                .map(BenchmarkParser::cpuSeconds)
                .filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble)
                .sum();
    }

    @Test
    void recordedStderr_yieldsUserPlusSystemTime() {
        assertThat(sum(Recorded.lines("stderr-vp9-6s.txt"))).isCloseTo(2.458 + 0.052, within(1e-9));
        assertThat(sum(Recorded.lines("stderr-mpeg4-2s.txt"))).isCloseTo(0.051 + 0.009, within(1e-9));
    }

    @Test
    void recordedStderr_realTimeIsReadToo() {
        assertThat(Recorded.lines("stderr-vp9-6s.txt").stream()
                        .map(BenchmarkParser::realSeconds)
                        .filter(OptionalDouble::isPresent)
                        .findFirst()
                        .orElseThrow())
                .hasValue(2.433);
    }

    @Test
    void otherLinesIncludingTheMemoryBenchLine_areNotCpuTime() {
        assertThat(BenchmarkParser.cpuSeconds("bench: maxrss=95372kB")).isEmpty();
        assertThat(BenchmarkParser.cpuSeconds("frame=  180 fps= 74 q=32.0 Lsize=     225kB"))
                .isEmpty();
        assertThat(BenchmarkParser.cpuSeconds("")).isEmpty();
    }

    @Test
    void exampleFromTheDocumentation() {
        assertThat(BenchmarkParser.cpuSeconds("bench: utime=0.640s stime=0.049s rtime=0.292s")
                        .getAsDouble())
                .isCloseTo(0.689, within(1e-9));
    }

    @Test
    void aFailedRunHasNoCpuLine() {
        assertThat(sum(Recorded.lines("stderr-truncated-input.txt"))).isZero();
    }
}
