package io.github.multiprocessing4j.demos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.bench.Primes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every demo at a small size: its correctness checks (sums, checksums, counts) pass on every backend,
 * and it reports the rows it promises. Each demo throws {@link DemoCheckException} on a wrong result,
 * so a passing run means every check held.
 */
@Tag("slow")
class DemosTest {

    @TempDir
    Path out;

    private DemoResult run(Demo demo, double size) throws Exception {
        DemoSettings settings = new DemoSettings(size, 2, out, Optional.empty(), Progress.plain(System.out));
        DemoResult result = demo.run(settings);
        assertThat(result.rows()).allSatisfy(row -> assertThat(row.check()).containsAnyOf(" ok", "reference"));
        assertThat(Charts.write(result, out)).exists().isNotEmptyFile();
        return result;
    }

    @Test
    void primesSumsMatchTheReferenceOnEveryBackend() throws Exception {
        DemoResult result = run(new PrimesDemo(), 0.08);
        assertThat(result.rows()).extracting(Row::backend).containsExactly("serial", "platform threads (work queue)",
                "virtual threads (work queue)", "processes (work queue)", "ProcessPool.map, incl. start",
                "ProcessPool.map, started pool");
        // sum_primes(10000) + (20000) + (30000), from the CPython peer's primes_reference.txt
        assertThat(result.rows()).allSatisfy(row -> assertThat(row.check()).isEqualTo("sum "
                + (5736396L + 21171191L + 45675864L) + " ok"));
    }

    @Test
    void fibAgreesWithTheIterativeDefinition() throws Exception {
        DemoResult result = run(new FibDemo(), 0.01);
        assertThat(result.rows()).hasSize(8);
        assertThat(FibDemo.iterativeFib(34)).isEqualTo(5702887L);
        assertThat(Workloads.fib(24)).isEqualTo(FibDemo.iterativeFib(24));
    }

    @Test
    void ioFetchesEveryBody() throws Exception {
        DemoResult result = run(new IoDemo(), 0.1);
        assertThat(result.rows()).hasSize(6).allSatisfy(row -> assertThat(row.check()).isEqualTo("4 x 1024 B ok"));
    }

    @Test
    void imagesGiveTheSameChecksumOnEveryBackend() throws Exception {
        DemoResult result = run(new ImagesDemo(), 0.05);
        assertThat(result.rows()).hasSize(5);
        String crc = result.rows().getFirst().check().substring(0, "CRC 12345678".length());
        assertThat(result.rows().getFirst().check()).isEqualTo(crc + " (the reference)");
        assertThat(result.rows().subList(1, 5)).extracting(Row::check).containsOnly(crc + " ok");
        assertThat(out.resolve("images/output-00.png")).exists();
    }

    @Test
    void producerConsumerAnswersEveryItemOnce() throws Exception {
        DemoResult result = run(new ProducerConsumerDemo(), 0.01);
        assertThat(result.rows()).hasSize(4).allSatisfy(row -> assertThat(row.check()).startsWith("20 answers"));
        assertThat(Workloads.sievePrimeSum(10_000)).isEqualTo(5736396L).isEqualTo(Primes.sumPrimes(10_000));
    }

    @Test
    void raceLosesNothingWithALock() throws Exception {
        DemoSettings settings = new DemoSettings(0.01, 2, out, Optional.empty(), Progress.plain(System.out));
        DemoResult result = new RaceDemo().run(settings);
        assertThat(result.rows()).hasSize(9);
        assertThat(result.rows()).filteredOn(row -> !row.workload().startsWith("no lock"))
                .allSatisfy(row -> assertThat(row.check()).isEqualTo("4,000 ok"));
        assertThat(result.rows()).filteredOn(row -> row.workload().startsWith("no lock"))
                .allSatisfy(row -> assertThat(row.check()).endsWith("lost"));
    }

    @Test
    void isolationKeepsTheProcessPoolAlive() throws Exception {
        DemoSettings settings = new DemoSettings(1, 2, out, Optional.empty(), Progress.plain(System.out));
        DemoResult result = new IsolationDemo().run(settings);
        List<Row> processes = result.rows().stream().filter(row -> row.backend().equals("process pool")).toList();
        assertThat(processes).hasSize(3).allSatisfy(row -> assertThat(row.check())
                .startsWith("9/9 good ok").endsWith("pool serves next call"));
        assertThat(result.rows()).filteredOn(row -> row.workload().contains("System.exit"))
                .filteredOn(row -> row.backend().startsWith("thread"))
                .singleElement().satisfies(row -> assertThat(row.check()).contains("whole JVM exited with status 42"));
    }
}
