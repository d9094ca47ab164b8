package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A target that cannot be serialized fails at start, in the caller's thread, naming the path. */
class NotSerializableTaskTest {

    @SuppressWarnings("serial") // holds a Socket on purpose
    record Connection(String host, Socket socket) implements Serializable {
    }

    @SuppressWarnings("serial") // holds anything on purpose
    static final class Holder implements Serializable {
        final Object value;

        Holder(Object value) {
            this.value = value;
        }
    }

    @Test
    void theMessageNamesThePathToTheOffendingObject() throws Exception {
        try (Context context = Multiprocessing.processes(); Socket socket = new Socket()) {
            Connection connection = new Connection("db", socket);
            WorkerProcess p = context.process(() -> System.out.println(connection));
            assertThatThrownBy(p::start)
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageStartingWith("cannot serialize target -> captured arg$1 -> field 'socket' (java.net.Socket)")
                    .satisfies(e -> assertThat(((NotSerializableTaskException) e).path())
                            .isEqualTo("target -> captured arg$1 -> field 'socket' (java.net.Socket)"));
            assertThat(p.isAlive()).isFalse();
            assertThat(p.pid()).isEmpty();
            assertThat(context.activeChildren()).isEmpty();
            assertThat(ProcessHandle.current().children().count()).isZero();
        }
    }

    @Test
    void pathsGoThroughCollectionsMapsAndArrays() {
        try (Context context = Multiprocessing.processes()) {
            List<Object> list = new ArrayList<>(List.of("a", new Holder(new Object())));
            assertThatThrownBy(() -> context.process(() -> System.out.println(list)).start())
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("target -> captured arg$1 -> element [1] -> field 'value' (java.lang.Object)");
            Map<String, Object> map = Map.of("key", Thread.currentThread());
            assertThatThrownBy(() -> context.process(() -> System.out.println(map)).start())
                    .hasMessageContaining("target -> captured arg$1 -> value of key 'key' (java.lang.Thread)");
            Object[] array = {1, new StringBuilder().append(1), new Object()};
            assertThatThrownBy(() -> context.process(() -> System.out.println(array.length)).start())
                    .hasMessageContaining("target -> captured arg$1[2] (java.lang.Object)");
        }
    }

    @Test
    void aCapturedNonSerializableLambdaIsNamed() {
        Runnable plain = () -> { };
        try (Context context = Multiprocessing.processes()) {
            assertThatThrownBy(() -> context.process(plain::run).start())
                    .isInstanceOf(NotSerializableTaskException.class)
                    .hasMessageContaining("target -> captured arg$1 (a lambda that is not Serializable, from "
                            + NotSerializableTaskTest.class.getName() + ")");
        }
    }

    @Test
    void threadBackendsDoNotSerializeTargets() throws Exception {
        try (Context context = Multiprocessing.threads(); Socket socket = new Socket()) {
            WorkerProcess p = context.process(() -> System.out.println(socket.isClosed())).start();
            p.join();
            assertThat(p.exitCode()).hasValue(0);
        }
    }
}
