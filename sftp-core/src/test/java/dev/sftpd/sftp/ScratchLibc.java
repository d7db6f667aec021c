// The fuzz tests' libc: every path a session names is confined to one scratch directory, and every call is checked.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Libc;
import dev.sftpd.sftp.posix.Posix;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A chroot the JVM cannot have, made of path checks: a relative path is taken from the scratch
 * directory (getcwd answers it), an absolute one must lie under it, no path or symbolic link
 * target may hold a ".." component, and chdir is refused. A refused call fails with EACCES,
 * as a file outside a chroot would. Files may not grow past {@link #MAX_FILE}, as under
 * RLIMIT_FSIZE, so that a fuzzed size cannot fill the disk or make copy-data run for hours.
 *
 * <p>What it asserts, for every input: no path reaches libc with a NUL before its terminator
 * (the session would act on another file than the one named), and after the session has
 * closed, every descriptor and directory stream it opened is closed.
 */
final class ScratchLibc implements InvocationHandler {
    static final long MAX_FILE = 1 << 20;
    private static final int EACCES = 13;
    private static final int EFBIG = 27;

    /** Where a call's byte array is a buffer it fills, not a path: the call and that argument's index. */
    private static final Map<String, Integer> BUFFERS = Map.of("stat", 1, "lstat", 1, "fstat", 1, "statvfs", 1,
            "fstatvfs", 1, "readlink", 1);

    private final Libc real;
    private final byte[] root;
    private final Set<Integer> openFds = new HashSet<>();
    private final Set<Long> openDirs = new HashSet<>();

    private ScratchLibc(Libc real, byte[] root) {
        this.real = real;
        this.root = root;
    }

    /** A Posix whose every path stays under {@code root}, an absolute path without symbolic links. */
    static Posix confinedTo(byte[] root, ScratchLibc[] handle) {
        return Posix.wrapping(real -> {
            handle[0] = new ScratchLibc(real, root);
            return (Libc) Proxy.newProxyInstance(Libc.class.getClassLoader(), new Class<?>[] {Libc.class}, handle[0]);
        });
    }

    /** Throws if a descriptor or directory stream the session opened is still open. */
    void assertAllClosed() {
        if (!openFds.isEmpty() || !openDirs.isEmpty()) {
            throw new AssertionError("session left open: descriptors " + openFds + ", directories " + openDirs.size());
        }
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        switch (m.getName()) {
            case "chdir":
                return refuse(m, EACCES);
            case "getcwd":
                // Posix reads the name from the buffer; the pointer only has to be non-null.
                byte[] buf = (byte[]) args[0];
                System.arraycopy(root, 0, buf, 0, root.length);
                buf[root.length] = 0;
                return 1L;
            case "truncate":
            case "ftruncate":
                if ((long) args[1] > MAX_FILE) {
                    return refuse(m, EFBIG);
                }
                break;
            case "pwrite":
                if ((long) args[2] + (long) args[3] > MAX_FILE) {
                    return refuse(m, EFBIG);
                }
                break;
            default:
        }
        Object[] confined = args == null ? null : args.clone();
        for (int i = 0; confined != null && i < confined.length; i++) {
            if (confined[i] instanceof byte[] path && BUFFERS.getOrDefault(m.getName(), -1) != i) {
                byte[] c = confine(path);
                if (c == null) {
                    return refuse(m, EACCES);
                }
                // A link's target is read from the link's directory: checked, stored as given.
                confined[i] = m.getName().equals("symlink") && i == 0 ? path : c;
            }
        }
        Object result;
        try {
            result = m.invoke(real, confined);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        track(m.getName(), args, result);
        return result;
    }

    private void track(String call, Object[] args, Object result) {
        switch (call) {
            case "open" -> {
                if ((int) result >= 0) {
                    openFds.add((int) result);
                }
            }
            case "close" -> {
                if ((int) result == 0) {
                    openFds.remove((int) args[0]);
                }
            }
            case "opendir" -> {
                if ((long) result != 0) {
                    openDirs.add((long) result);
                }
            }
            case "closedir" -> openDirs.remove((long) args[0]);
            default -> {
            }
        }
    }

    /**
     * The path libc gets, or null to refuse: {@code p} is the C string the session built, which
     * must end in its only NUL.
     */
    private byte[] confine(byte[] p) {
        int nul = indexOfNul(p);
        if (nul != p.length - 1) {
            throw new AssertionError("path reaches libc cut short at byte " + nul + " of " + (p.length - 1) + ": \""
                    + new String(p, StandardCharsets.ISO_8859_1) + "\"");
        }
        byte[] path = Arrays.copyOf(p, p.length - 1);
        for (String component : new String(path, StandardCharsets.ISO_8859_1).split("/")) {
            if (component.equals("..")) {
                return null;
            }
        }
        if (path.length == 0) {
            return p;
        }
        if (path[0] == '/') {
            boolean under = path.length >= root.length
                    && Arrays.equals(path, 0, root.length, root, 0, root.length)
                    && (path.length == root.length || path[root.length] == '/');
            return under ? p : null;
        }
        byte[] absolute = new byte[root.length + 1 + p.length];
        System.arraycopy(root, 0, absolute, 0, root.length);
        absolute[root.length] = '/';
        System.arraycopy(p, 0, absolute, root.length + 1, p.length);
        return absolute;
    }

    private static int indexOfNul(byte[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** What the call returns on failure: -1 of its type, or a null pointer. */
    private static Object refuse(Method m, int errno) {
        Posix.setErrno(errno);
        Class<?> type = m.getReturnType();
        return type == int.class ? (Object) (-1) : type == long.class ? (Object) (-1L) : null;
    }
}
