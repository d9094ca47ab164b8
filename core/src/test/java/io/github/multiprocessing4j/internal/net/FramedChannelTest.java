package io.github.multiprocessing4j.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

/** Frames with an idle timeout before a frame starts and a read timeout once it has. */
class FramedChannelTest {

    private interface PairBody {
        void run(FramedChannel reader, SocketChannel writer) throws IOException;
    }

    private static void pair(PairBody body) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel writer = SocketChannel.open(server.getLocalAddress());
                    FramedChannel reader = new FramedChannel(server.accept(), 1 << 20)) {
                body.run(reader, writer);
            }
        }
    }

    @Test
    void aSilentPeerTimesOutAsIdleAndTheStreamStaysUsable() throws IOException {
        pair((reader, writer) -> {
            assertThat(reader.hasInput()).isFalse();
            assertThatThrownBy(() -> reader.readIdle(150, 0)).isInstanceOf(SocketTimeoutException.class);
            writer.write(ByteBuffer.allocate(7).putInt(3).put(new byte[] {1, 2, 3}).flip());
            assertThat(reader.readIdle(5_000, 5_000)).containsExactly(1, 2, 3);
        });
    }

    @Test
    void aFrameThatStartsAndStallsFailsAfterTheReadTimeout() throws IOException {
        pair((reader, writer) -> {
            writer.write(ByteBuffer.allocate(6).putInt(100).put(new byte[] {1, 2}).flip()); // 2 of 100 bytes
            long start = System.nanoTime();
            assertThatThrownBy(() -> reader.readIdle(0, 200)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class).hasMessageContaining("middle of a frame");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        });
    }

    @Test
    void aClosedPeerShowsAsInputOnAnIdleConnection() throws IOException {
        pair((reader, writer) -> {
            writer.close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                seen = reader.hasInput(); // the end of stream arrives asynchronously
                Thread.onSpinWait();
            }
            assertThat(seen).isTrue();
        });
    }
}
