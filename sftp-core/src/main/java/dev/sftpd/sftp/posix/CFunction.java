// One C function of a shared library, called through jffi directly: no jnr-ffi proxy, annotation or invoker to build.
package dev.sftpd.sftp.posix;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.ObjectParameterInfo;
import com.kenai.jffi.ObjectParameterStrategy;
import com.kenai.jffi.ObjectParameterType;
import com.kenai.jffi.Type;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Why not jnr-ffi, which only the monitor's root-only bindings still use (PAM, shadow, login
 * records): every transport and engine is a fresh JVM, and jnr-ffi's cost is mostly paid once
 * per process. Given an interface it
 * builds a proxy class of all its methods, reads their annotations, and on each method's first
 * call builds that method's invoker; with libcrypto's functions that came to 50 ms of CPU to
 * load and 30 ms for the first four calls, against 33 and 1 ms for the same calls made here
 * (docs/BENCHMARKS.md, 2026-12-07). jffi is the layer jnr-ffi itself calls through.
 *
 * <p>Functions are found through {@link CLibrary}. Arguments are C's integers and pointers
 * as longs, a pointer being its address (0 for NULL). A Java array argument is an {@link Array}
 * naming the parameter it stands for; its slot among the longs is ignored.
 */
public final class CFunction {
    private static final Invoker INVOKER = Invoker.getInstance();
    private static final Strategy BYTES = new Strategy(ObjectParameterType.BYTE, 0);
    private static final Strategy INTS = new Strategy(ObjectParameterType.INT, 1);
    private static final Strategy LONGS = new Strategy(ObjectParameterType.LONG, 2);
    private static final int IN = ObjectParameterInfo.IN;
    private static final int OUT = ObjectParameterInfo.OUT;
    private static final int IN_OUT = IN | OUT;
    /** Parameter indexes (at most six arguments), component types (byte, int, long) and flag sets (five bits). */
    private static final int INDEXES = 8;
    private static final int COMPONENTS = 3;
    private static final int FLAG_COMBINATIONS = 32;
    /** jffi's description of an array parameter by index, component type and flags, made on first use. */
    private static final AtomicReferenceArray<ObjectParameterInfo> INFOS =
            new AtomicReferenceArray<>(INDEXES * COMPONENTS * FLAG_COMBINATIONS);

    private final String name;
    private final long address;
    private final CallContext context;

    private CFunction(String name, long address, CallContext context) {
        this.name = name;
        this.address = address;
        this.context = context;
    }

    static CFunction find(Library library, String name, Type result, Type... parameters) {
        return new CFunction(name, symbol(library, name),
                CallContext.getCallContext(result, parameters, CallingConvention.DEFAULT, true));
    }

    static CFunction variadic(Library library, String name, int fixed, Type result, Type... parameters) {
        return new CFunction(name, symbol(library, name),
                CallContext.getCallContext(result, fixed, parameters, CallingConvention.DEFAULT, true));
    }

    private static long symbol(Library library, String name) {
        long address = library.getSymbolAddress(name);
        if (address == 0) {
            throw new UnsatisfiedLinkError(name + ": " + Library.getLastError());
        }
        return address;
    }

    /** The errno the calling thread's last call through this class left (each call keeps it). */
    public static int errno() {
        return LastError.getInstance().get();
    }

    /** Calls with integers and pointers only; the result is the C result widened to a long. */
    public long call(long... args) {
        return switch (args.length) {
            case 0 -> INVOKER.invokeN0(context, address);
            case 1 -> INVOKER.invokeN1(context, address, args[0]);
            case 2 -> INVOKER.invokeN2(context, address, args[0], args[1]);
            case 3 -> INVOKER.invokeN3(context, address, args[0], args[1], args[2]);
            case 4 -> INVOKER.invokeN4(context, address, args[0], args[1], args[2], args[3]);
            case 5 -> INVOKER.invokeN5(context, address, args[0], args[1], args[2], args[3], args[4]);
            case 6 -> INVOKER.invokeN6(context, address, args[0], args[1], args[2], args[3], args[4], args[5]);
            default -> throw new IllegalArgumentException(name + ": more than 6 arguments");
        };
    }

    /** Calls with one Java array among the arguments; a null array is passed as NULL. */
    public long call(Array a, long... args) {
        if (a == null) {
            return call(args);
        }
        Strategy s = a.strategy();
        ObjectParameterInfo i = a.info();
        return switch (args.length) {
            case 1 -> INVOKER.invokeN1(context, address, args[0], 1, a, s, i);
            case 2 -> INVOKER.invokeN2(context, address, args[0], args[1], 1, a, s, i);
            case 3 -> INVOKER.invokeN3(context, address, args[0], args[1], args[2], 1, a, s, i);
            case 4 -> INVOKER.invokeN4(context, address, args[0], args[1], args[2], args[3], 1, a, s, i);
            case 5 -> INVOKER.invokeN5(context, address, args[0], args[1], args[2], args[3], args[4], 1, a, s, i);
            case 6 -> INVOKER.invokeN6(context, address, args[0], args[1], args[2], args[3], args[4], args[5], 1,
                    a, s, i);
            default -> throw new IllegalArgumentException(name + ": an array among " + args.length + " arguments");
        };
    }

    /** Calls with two Java arrays among the arguments; a null array is passed as NULL. */
    public long call(Array a, Array b, long... args) {
        if (a == null || b == null) {
            return call(a == null ? b : a, args);
        }
        Strategy s = a.strategy();
        Strategy t = b.strategy();
        ObjectParameterInfo i = a.info();
        ObjectParameterInfo j = b.info();
        return switch (args.length) {
            case 2 -> INVOKER.invokeN2(context, address, args[0], args[1], 2, a, s, i, b, t, j);
            case 3 -> INVOKER.invokeN3(context, address, args[0], args[1], args[2], 2, a, s, i, b, t, j);
            case 4 -> INVOKER.invokeN4(context, address, args[0], args[1], args[2], args[3], 2, a, s, i, b, t, j);
            case 5 -> INVOKER.invokeN5(context, address, args[0], args[1], args[2], args[3], args[4], 2,
                    a, s, i, b, t, j);
            case 6 -> INVOKER.invokeN6(context, address, args[0], args[1], args[2], args[3], args[4], args[5], 2,
                    a, s, i, b, t, j);
            default -> throw new IllegalArgumentException(name + ": two arrays among " + args.length + " arguments");
        };
    }

    /** Calls with three Java arrays among the arguments; a null array is passed as NULL. */
    public long call(Array a, Array b, Array c, long... args) {
        if (a == null || b == null || c == null) {
            return a == null ? call(b, c, args) : call(a, b == null ? c : b, args);
        }
        Strategy s = a.strategy();
        Strategy t = b.strategy();
        Strategy u = c.strategy();
        ObjectParameterInfo i = a.info();
        ObjectParameterInfo j = b.info();
        ObjectParameterInfo k = c.info();
        return switch (args.length) {
            case 3 -> INVOKER.invokeN3(context, address, args[0], args[1], args[2], 3, a, s, i, b, t, j, c, u, k);
            case 4 -> INVOKER.invokeN4(context, address, args[0], args[1], args[2], args[3], 3, a, s, i, b, t, j,
                    c, u, k);
            default -> throw new IllegalArgumentException(name + ": three arrays among " + args.length + " arguments");
        };
    }

    /**
     * A Java array, or part of one, as the argument at a parameter's index; the factories give
     * null for a null array, which the calls pass as NULL. Copied: jffi copies it to native
     * memory before the call (and back after, for {@link #out}), as jnr-ffi does.
     * Pinned: the C function works on the Java array itself, and no collection can run until it
     * returns (JNI's critical access), so only for calls that neither block nor take long.
     */
    public record Array(int index, Object array, int offset, int length, int flags) {
        public static Array in(int index, byte[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, IN);
        }

        /** The remaining bytes of a buffer on a Java array. */
        public static Array in(int index, ByteBuffer heap) {
            return new Array(index, heap.array(), heap.arrayOffset() + heap.position(), heap.remaining(), IN);
        }

        public static Array out(int index, byte[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, OUT);
        }

        public static Array inOut(int index, byte[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, IN_OUT);
        }

        public static Array in(int index, int[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, IN);
        }

        public static Array out(int index, int[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, OUT);
        }

        public static Array inOut(int index, int[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, IN_OUT);
        }

        public static Array in(int index, long[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, IN);
        }

        public static Array out(int index, long[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, OUT);
        }

        public static Array inOut(int index, long[] array) {
            return array == null ? null : new Array(index, array, 0, array.length, IN_OUT);
        }

        /** length bytes of the array from offset, read and written in place. */
        public static Array pinned(int index, byte[] array, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, array.length);
            return new Array(index, array, offset, length,
                    IN_OUT | ObjectParameterInfo.PINNED);
        }

        public static Array pinned(int index, byte[] array) {
            return pinned(index, array, 0, array.length);
        }

        /** The same part of the same array as another parameter: a call whose input is its output. */
        public Array at(int otherIndex) {
            return new Array(otherIndex, array, offset, length, flags);
        }

        private Strategy strategy() {
            return array instanceof byte[] ? BYTES : array instanceof int[] ? INTS : LONGS;
        }

        /**
         * jffi's description of this parameter. jffi keeps one per combination too, but looks it
         * up by a boxed Integer each time: for a libcrypto cipher's five or so calls per packet
         * that was 12 MB of Integers per GiB moved, besides the map lookups.
         */
        private ObjectParameterInfo info() {
            Strategy strategy = strategy();
            if (index < 0 || index >= INDEXES || flags < 0 || flags >= FLAG_COMBINATIONS) {
                return ObjectParameterInfo.create(index, ObjectParameterInfo.ARRAY, strategy.component, flags);
            }
            int slot = (index * COMPONENTS + strategy.slot) * FLAG_COMBINATIONS + flags;
            ObjectParameterInfo info = INFOS.get(slot);
            if (info == null) {
                info = ObjectParameterInfo.create(index, ObjectParameterInfo.ARRAY, strategy.component, flags);
                INFOS.set(slot, info);
            }
            return info;
        }
    }

    /** How jffi finds an {@link Array}'s Java array and the part of it passed. */
    private static final class Strategy extends ObjectParameterStrategy<Array> {
        final ObjectParameterInfo.ComponentType component;
        /** Its place among the component types in {@link #INFOS}. */
        final int slot;

        Strategy(ObjectParameterType.ComponentType type, int slot) {
            super(HEAP, ObjectParameterType.create(ObjectParameterType.ARRAY, type));
            this.slot = slot;
            component = type == ObjectParameterType.BYTE ? ObjectParameterInfo.BYTE
                    : type == ObjectParameterType.INT ? ObjectParameterInfo.INT : ObjectParameterInfo.LONG;
        }

        @Override
        public long address(Array a) {
            return 0;
        }

        @Override
        public Object object(Array a) {
            return a.array();
        }

        @Override
        public int offset(Array a) {
            return a.offset();
        }

        @Override
        public int length(Array a) {
            return a.length();
        }
    }
}
