package io.github.multiprocessing4j.demos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: arguments, exit codes, and the files a run leaves (tables, charts, report). */
class DemoMainTest {

    @TempDir
    Path out;

    private static int run(ByteArrayOutputStream err, String... args) {
        CommandLine command = new CommandLine(new DemoMain());
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void unknownDemoIsABadArgumentNamingTheChoices() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "prime", "--no-python", "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown demo 'prime'").contains("primes, fib, io, images");
    }

    @Test
    void nonPositiveSizeAndWorkersAreBadArguments() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "race", "--size", "0", "--no-python", "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--size must be a number above 0");
        assertThat(run(err, "race", "--size", "1e9", "--no-python", "--out", out.toString())).isEqualTo(2);
        assertThat(run(err, "race", "--workers", "0", "--no-python", "--out", out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--workers must be between 1 and 64");
        assertThat(run(err)).isEqualTo(2);
    }

    @Test
    void aRunWritesItsChartAndReport() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "race", "--size", "0.005", "--no-python", "--out", out.toString())).isEqualTo(0);
        assertThat(out.resolve("race.png")).isNotEmptyFile();
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("## race").contains("| workload | backend | workers |").contains("![race](race.png)")
                .contains("2,000 ok");
    }

    @Test
    void tablesShowSpeedupsAgainstTheFirstRowOfEachWorkload() {
        DemoResult result = new DemoResult("t", "title", List.of(
                new Row("w", "serial", 1, 2.0, OptionalDouble.of(30.0), "ok"),
                new Row("w", "threads", 2, 1.0, OptionalDouble.of(15.0), "ok"),
                Row.of("v", "serial", 1, 12.5, "ok")), List.of());
        String text = Tables.text(result);
        assertThat(text).contains("2,000 ms").contains("2.00x").contains("30.0 s").contains("12.5 s");
        assertThat(Tables.markdown(result).lines()).hasSize(5);
        assertThat(result.pythonSpeedup(result.rows().get(1))).hasValue(2.0);
        assertThat(result.pythonSpeedup(result.rows().get(2))).isEmpty();
    }

    @Test
    void aWrongResultFailsWithBothValues() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoCheckException.expectEqual("sum", 5L, 6L))
                .isInstanceOf(DemoCheckException.class).hasMessage("sum: expected 5 but got 6");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DemoSettings(-1, 2, Path.of("x"),
                Optional.empty(), Progress.plain(System.out))).hasMessageContaining("--size");
    }
}
