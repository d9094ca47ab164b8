package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.internal.os.CpuCount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** {@link Multiprocessing#cpuCount()} honours the affinity mask and the cgroup CPU quota. */
class CpuCountTest {

    @Test
    void parsesKernelCpuLists() {
        assertThat(CpuCount.countCpuList("0-3,8,10-11\n")).isEqualTo(7);
        assertThat(CpuCount.countCpuList("0")).isEqualTo(1);
        assertThatThrownBy(() -> CpuCount.countCpuList("3-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3-1");
        assertThatThrownBy(() -> CpuCount.countCpuList("a-b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesCgroupQuotas() {
        assertThat(CpuCount.parseCpuMax("max 100000\n")).isEmpty();
        assertThat(CpuCount.parseCpuMax("150000 100000\n")).isEqualTo(OptionalDouble.of(1.5));
        assertThat(CpuCount.parseCfs("-1", "100000")).isEmpty();
        assertThat(CpuCount.parseCfs("50000\n", "100000\n")).isEqualTo(OptionalDouble.of(0.5));
    }

    @Test
    void isPositiveAndNoMoreThanTheJvmSees() {
        assertThat(Multiprocessing.cpuCount()).isBetween(1, Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aProcessPinnedToOneCpuSeesOne() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder("taskset", "-c", "0", java.toString(), "-cp",
                System.getProperty("java.class.path"), PrintCpuCount.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).isZero();
        assertThat(output).isEqualTo("1");
    }

    /** Prints {@link Multiprocessing#cpuCount()}. */
    static final class PrintCpuCount {
        private PrintCpuCount() {
        }

        public static void main(String[] args) {
            System.out.println(Multiprocessing.cpuCount());
        }
    }
}
