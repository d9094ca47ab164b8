package io.github.multiprocessing4j.internal.launch;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over the Unix domain socket between a parent and one worker JVM.
 *
 * <pre>
 *   +----------------+--------+---------------------+
 *   | length (int32) | type   | payload             |
 *   |  = payload len | (int8) | (length bytes)      |
 *   +----------------+--------+---------------------+
 * </pre>
 *
 * Little-endian. One thread reads; any number of threads send (sends are serialized). A frame
 * larger than {@link #MAX_FRAME} is a protocol error. End of stream on read means the peer
 * process is gone.
 */
public final class ControlChannel implements Closeable {

    /** The largest payload accepted. */
    public static final int MAX_FRAME = 1 << 30;

    /** A received frame. */
    public record Frame(byte type, byte[] payload) {
    }

    private final SocketChannel channel;
    private final ByteBuffer readHeader = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer writeHeader = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Wraps a connected blocking channel.
     *
     * @param channel the channel
     */
    public ControlChannel(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Sends one frame; thread-safe.
     *
     * @param type the frame type
     * @param payload the payload
     * @throws IOException if the peer is gone
     */
    public void send(byte type, byte[] payload) throws IOException {
        synchronized (writeHeader) {
            writeHeader.clear();
            writeHeader.putInt(payload.length).put(type).flip();
            ByteBuffer body = ByteBuffer.wrap(payload);
            ByteBuffer[] both = {writeHeader, body};
            while (writeHeader.hasRemaining() || body.hasRemaining()) {
                channel.write(both);
            }
        }
    }

    /**
     * Receives one frame; only one thread may call this.
     *
     * @return the frame, or {@code null} at end of stream
     * @throws IOException on a read error or a malformed frame
     */
    public Frame receive() throws IOException {
        readHeader.clear();
        if (!readFully(readHeader, true)) {
            return null;
        }
        readHeader.flip();
        int length = readHeader.getInt();
        byte type = readHeader.get();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("malformed control frame: length " + length + " (expected: 0.." + MAX_FRAME + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        if (!readFully(body, false)) {
            throw new EOFException("control channel closed in the middle of a frame");
        }
        return new Frame(type, body.array());
    }

    private boolean readFully(ByteBuffer buffer, boolean eofAllowedAtStart) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                if (eofAllowedAtStart && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("control channel closed in the middle of a frame");
            }
        }
        return true;
    }

    /**
     * Whether the channel is open.
     *
     * @return {@code true} until closed
     */
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
