package io.github.multiprocessing4j.internal.codec;

import io.github.multiprocessing4j.RemoteException;
import io.github.multiprocessing4j.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Carries an exception from the process that threw it to the one that waits for it.
 *
 * <p>The encoding holds two forms: the codec's encoding of the exception itself, when it
 * succeeds, and a portable description (class name, message, stack trace, cause chain and
 * suppressed exceptions) that needs no class on the receiving side. The receiver uses the first
 * form when it decodes, so callers catch the original type with its remote stack trace, and the
 * second otherwise, as a {@link RemoteException}.
 *
 * <pre>
 *   int codecLength (-1 when the codec failed) | codec bytes | portable description
 * </pre>
 */
public final class RemoteThrowables {

    private static final int MAX_CHAIN = 32;
    private static final int MAX_FRAMES = 1024;

    private RemoteThrowables() {
    }

    /**
     * Encodes an exception; never fails.
     *
     * @param codec the codec to try first
     * @param error the exception
     * @return the encoding
     */
    public static byte[] encode(Codec codec, Throwable error) {
        Bytes out = new Bytes(1024);
        int lengthAt = out.reserve(4);
        int start = out.size();
        int codecLength;
        try {
            codec.encode(error, out);
            codecLength = out.size() - start;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            out.truncate(start);
            codecLength = -1;
        }
        out.putInt(lengthAt, codecLength);
        try (DataOutputStream data = new DataOutputStream(out)) {
            writePortable(data, error, new IdentityHashMap<>(), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: Bytes does not fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes an exception written by {@link #encode}.
     *
     * @param codec the codec
     * @param data the bytes
     * @return the original exception if the codec can recreate it, else a {@link RemoteException}
     */
    public static Throwable decode(Codec codec, byte[] data) {
        int codecLength = Bytes.getInt(data, 0);
        if (codecLength >= 0) {
            try {
                if (codec.decode(data, 4, codecLength) instanceof Throwable original) {
                    return original;
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                // use the portable form
            }
        }
        int portableAt = 4 + Math.max(codecLength, 0);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, portableAt, data.length - portableAt))) {
            return readPortable(in, 0);
        } catch (IOException e) {
            return new RemoteException("unknown", "the remote exception could not be decoded: " + e.getMessage(), null);
        }
    }

    private static void writePortable(DataOutputStream out, Throwable error, Map<Throwable, Boolean> seen, int depth)
            throws IOException {
        if (error == null || depth >= MAX_CHAIN || seen.put(error, Boolean.TRUE) != null) {
            out.writeBoolean(false);
            return;
        }
        out.writeBoolean(true);
        String className = error instanceof RemoteException remote ? remote.remoteClassName() : error.getClass().getName();
        String message = error instanceof RemoteException remote ? remote.remoteMessage() : safeMessage(error);
        out.writeUTF(className);
        writeNullable(out, message);
        StackTraceElement[] frames = error.getStackTrace();
        int count = Math.min(frames.length, MAX_FRAMES);
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            StackTraceElement frame = frames[i];
            writeNullable(out, frame.getClassLoaderName());
            writeNullable(out, frame.getModuleName());
            writeNullable(out, frame.getModuleVersion());
            out.writeUTF(frame.getClassName());
            out.writeUTF(frame.getMethodName());
            writeNullable(out, frame.getFileName());
            out.writeInt(frame.getLineNumber());
        }
        writePortable(out, error.getCause(), seen, depth + 1);
        Throwable[] suppressed = error.getSuppressed();
        out.writeInt(Math.min(suppressed.length, MAX_CHAIN));
        for (int i = 0; i < Math.min(suppressed.length, MAX_CHAIN); i++) {
            writePortable(out, suppressed[i], seen, depth + 1);
        }
    }

    private static Throwable readPortable(DataInputStream in, int depth) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        String className = in.readUTF();
        String message = readNullable(in);
        int count = in.readInt();
        StackTraceElement[] frames = new StackTraceElement[count];
        for (int i = 0; i < count; i++) {
            String loader = readNullable(in);
            String module = readNullable(in);
            String version = readNullable(in);
            String declaring = in.readUTF();
            String method = in.readUTF();
            String file = readNullable(in);
            int line = in.readInt();
            frames[i] = new StackTraceElement(loader, module, version, declaring, method, file, line);
        }
        Throwable cause = readPortable(in, depth + 1);
        RemoteException remote = new RemoteException(className, message, cause);
        remote.setStackTrace(frames);
        int suppressed = in.readInt();
        for (int i = 0; i < suppressed; i++) {
            Throwable s = readPortable(in, depth + 1);
            if (s != null) {
                remote.addSuppressed(s);
            }
        }
        return remote;
    }

    private static String safeMessage(Throwable error) {
        try {
            return error.getMessage();
        } catch (RuntimeException e) {
            return "<getMessage() threw " + e.getClass().getName() + ">";
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            // writeUTF is limited to 65535 bytes of modified UTF-8; long messages are cut
            out.writeUTF(value.length() > 16_000 ? value.substring(0, 16_000) + "..." : value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
