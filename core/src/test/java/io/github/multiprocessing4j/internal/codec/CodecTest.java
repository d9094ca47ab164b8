package io.github.multiprocessing4j.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.SerializableFunction;
import io.github.multiprocessing4j.spi.Codec;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both built-in codecs: lambdas, graphs and exceptions survive a round trip. */
class CodecTest {

    record Point(int x, int y) implements Serializable {
    }

    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        Node next;
        String name;
    }

    static final class Unserializable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial") // on purpose: the portable form must take over
        final Object payload = new Object();

        Unserializable(String message) {
            super(message);
        }
    }

    static Object roundTrip(Codec codec, Object value) throws Exception {
        Bytes out = new Bytes(64);
        codec.encode(value, out);
        return codec.decode(out.array(), 0, out.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "fory"})
    void lambdasWithCapturedValuesSurvive(String name) throws Exception {
        Codec codec = Codecs.byName(name);
        int offset = 42;
        Point origin = new Point(1, 2);
        SerializableFunction<Integer, String> function = x -> (x + offset) + "@" + origin;
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, String> copy = (SerializableFunction<Integer, String>) roundTrip(codec, function);
        assertThat(copy.apply(1)).isEqualTo("43@Point[x=1, y=2]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "fory"})
    void graphsKeepSharingAndCycles(String name) throws Exception {
        Codec codec = Codecs.byName(name);
        Node a = new Node();
        Node b = new Node();
        a.name = "a";
        b.name = "b";
        a.next = b;
        b.next = a;
        Node copy = (Node) roundTrip(codec, a);
        assertThat(copy.next.next).isSameAs(copy);
        assertThat(copy.next.name).isEqualTo("b");
        List<Object> list = new ArrayList<>(List.of(Map.of("k", 1L), "s", 3.5));
        assertThat(roundTrip(codec, list)).isEqualTo(list);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "fory"})
    void exceptionsComeBackAsTheOriginalTypeWithTheirStack(String name) {
        Codec codec = Codecs.byName(name);
        IllegalStateException original = new IllegalStateException("outer", new IOException("inner"));
        Throwable back = RemoteThrowables.decode(codec, RemoteThrowables.encode(codec, original));
        assertThat(back).isInstanceOf(IllegalStateException.class).hasMessage("outer")
                .hasCauseInstanceOf(IOException.class);
        assertThat(back.getStackTrace()).isEqualTo(original.getStackTrace());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "fory"})
    void exceptionsThatCannotBeEncodedArriveAsRemoteExceptions(String name) {
        Codec codec = Codecs.byName(name);
        Unserializable original = new Unserializable("has a non-serializable field");
        original.initCause(new IOException("root cause"));
        original.addSuppressed(new IllegalArgumentException("suppressed"));
        Throwable back = RemoteThrowables.decode(codec, RemoteThrowables.encode(Codecs.byName("jdk"), original));
        assertThat(back).isInstanceOf(RemoteException.class)
                .hasMessage(Unserializable.class.getName() + ": has a non-serializable field");
        RemoteException remote = (RemoteException) back;
        assertThat(remote.remoteClassName()).isEqualTo(Unserializable.class.getName());
        assertThat(remote.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(remote.getCause()).isInstanceOf(RemoteException.class).hasMessage("java.io.IOException: root cause");
        assertThat(remote.getSuppressed()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk"})
    void theDefaultFilterRejectsKnownGadgets(String name) throws Exception {
        Codec codec = Codecs.byName(name);
        PriorityQueue<Integer> gadgetCarrier = new PriorityQueue<>(List.of(3, 1, 2));
        assertThatThrownBy(() -> roundTrip(codec, gadgetCarrier)).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk"})
    void anAllowListFilterRejectsEverythingElse(String name) throws Exception {
        Codec strict = new JdkCodec(ObjectInputFilter.Config.createFilter("java.lang.*;java.util.*;!*"));
        assertThat(roundTrip(strict, List.of("ok"))).isEqualTo(List.of("ok"));
        assertThatThrownBy(() -> roundTrip(strict, new Point(1, 2))).isInstanceOf(InvalidClassException.class);
    }
}
