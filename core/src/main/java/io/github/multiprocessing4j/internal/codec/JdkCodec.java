package io.github.multiprocessing4j.internal.codec;

import io.github.multiprocessing4j.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;

/**
 * Java serialization behind an {@link ObjectInputFilter}.
 *
 * <p>The default filter bounds the graph (depth, references, array length, stream bytes) and
 * rejects classes that are well-known deserialization gadgets; it allows other classes because a
 * worker runs the parent's own class path and trusts its parent. The system property
 * {@code multiprocessing4j.serialFilter} replaces it with any {@link ObjectInputFilter.Config}
 * pattern, for example an allow-list ending in {@code !*}. Network-facing code (managers) builds
 * its own codec with a strict allow-list through {@link #JdkCodec(ObjectInputFilter)}.
 *
 * <p>Classes are resolved with the thread's context class loader first, then as
 * {@link ObjectInputStream} does.
 */
public final class JdkCodec implements Codec {

    /** Limits and gadget classes the default filter rejects. */
    static final String DEFAULT_FILTER = String.join(";",
            "maxdepth=200", "maxrefs=10000000", "maxarray=1000000000", "maxbytes=4294967296",
            "!org.apache.commons.collections.functors.*", "!org.apache.commons.collections4.functors.*",
            "!org.apache.commons.beanutils.BeanComparator", "!org.codehaus.groovy.runtime.*",
            "!com.sun.org.apache.xalan.internal.xsltc.trax.*", "!org.apache.xalan.xsltc.trax.*",
            "!com.sun.rowset.JdbcRowSetImpl", "!com.sun.jndi.*", "!javax.management.BadAttributeValueExpException",
            "!java.rmi.server.UnicastRemoteObject", "!java.rmi.server.RemoteObjectInvocationHandler",
            "!sun.rmi.*", "!org.springframework.beans.factory.*", "!org.springframework.aop.*",
            "!bsh.*", "!org.python.core.*", "!clojure.*", "!com.mchange.v2.c3p0.*",
            "!org.hibernate.engine.spi.TypedValue", "!net.sf.json.*", "!com.sun.syndication.*",
            "!org.mozilla.javascript.*", "!java.util.PriorityQueue", "*");

    private final ObjectInputFilter filter;

    /** Creates the codec with the default filter, or the one named by the system property. */
    public JdkCodec() {
        this(ObjectInputFilter.Config.createFilter(System.getProperty("multiprocessing4j.serialFilter", DEFAULT_FILTER)));
    }

    /**
     * Creates the codec with the given filter.
     *
     * @param filter the filter every decode uses
     */
    public JdkCodec(ObjectInputFilter filter) {
        this.filter = filter;
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
        ObjectOutputStream oos = new ObjectOutputStream(out);
        oos.writeObject(value);
        oos.flush();
    }

    @Override
    public Object decode(byte[] data, int offset, int length) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ContextLoaderObjectInputStream(new ByteArrayInputStream(data, offset, length))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
    }

    /** Resolves classes with the context class loader first. */
    private static final class ContextLoaderObjectInputStream extends ObjectInputStream {
        ContextLoaderObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall through to the default resolution (primitives, the caller's loader)
                }
            }
            return super.resolveClass(desc);
        }
    }
}
