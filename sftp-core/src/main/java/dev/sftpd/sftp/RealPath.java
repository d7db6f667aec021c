// sftp_realpath(): canonicalises a path like realpath(3) but lets its last component not exist,
// which SFTP clients rely on to name files they are about to create.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

final class RealPath {
    private static final int SYMLOOP_MAX = 32;
    private static final int PATH_MAX = 4096;

    private RealPath() {}

    static byte[] resolve(Posix posix, byte[] path) throws SysCallException {
        if (path.length >= PATH_MAX) {
            throw new SysCallException("realpath", Errno.ENAMETOOLONG);
        }
        Resolved resolved = new Resolved();
        Deque<byte[]> left = new ArrayDeque<>();
        if (path.length > 0 && path[0] == '/') {
            resolved.set(new byte[] {'/'});
        } else {
            resolved.set(posix.getcwd());
        }
        pushComponents(left, path);
        int symlinks = 0;
        while (!left.isEmpty()) {
            byte[] component = left.pollFirst();
            if (component.length == 0 || isDot(component)) {
                continue;
            }
            if (isDotDot(component)) {
                resolved.up();
                continue;
            }
            resolved.append(component);
            if (resolved.length() >= PATH_MAX) {
                throw new SysCallException("realpath", Errno.ENAMETOOLONG);
            }
            Stat st;
            try {
                st = posix.lstat(resolved.bytes());
            } catch (SysCallException e) {
                if (e.errno() == Errno.ENOENT && left.isEmpty()) {
                    return resolved.bytes();
                }
                throw e;
            }
            if (st.isSymlink()) {
                if (++symlinks > SYMLOOP_MAX) {
                    throw new SysCallException("realpath", Errno.ELOOP);
                }
                byte[] target = posix.readlink(resolved.bytes());
                if (target.length > 0 && target[0] == '/') {
                    resolved.set(new byte[] {'/'});
                } else {
                    resolved.up();
                }
                pushComponents(left, target);
            }
        }
        return resolved.bytes();
    }

    /** Puts a path's components in front of those still to resolve. */
    private static void pushComponents(Deque<byte[]> left, byte[] path) {
        int end = path.length;
        for (int i = path.length - 1; i >= -1; i--) {
            if (i == -1 || path[i] == '/') {
                left.addFirst(Arrays.copyOfRange(path, i + 1, end));
                end = i;
            }
        }
    }

    private static boolean isDot(byte[] c) {
        return c.length == 1 && c[0] == '.';
    }

    private static boolean isDotDot(byte[] c) {
        return c.length == 2 && c[0] == '.' && c[1] == '.';
    }

    /** The absolute path resolved so far, always without a trailing slash except for "/". */
    private static final class Resolved {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        void set(byte[] path) {
            buf.reset();
            buf.writeBytes(path);
        }

        void append(byte[] component) {
            if (buf.size() != 1) {
                buf.write('/');
            }
            buf.writeBytes(component);
        }

        /** Drops the last component; "/" stays "/". */
        void up() {
            byte[] b = buf.toByteArray();
            int i = b.length - 1;
            while (i > 0 && b[i] != '/') {
                i--;
            }
            set(Arrays.copyOf(b, Math.max(i, 1)));
        }

        byte[] bytes() {
            return buf.toByteArray();
        }

        int length() {
            return buf.size();
        }
    }
}
