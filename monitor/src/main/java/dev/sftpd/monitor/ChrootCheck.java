// sshd's safely_chroot(): every component of a ChrootDirectory root-owned and writable by root alone.
package dev.sftpd.monitor;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A component a user could write (or that is not a directory) would let them plant a directory
 * tree, a setuid program's library or a link out of the jail: the session is refused instead,
 * with sshd's words. The monitor checks as root, before the engine chroots there.
 */
public final class ChrootCheck {
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    private ChrootCheck() {}

    /** Empty when {@code dir} may be a chroot, else why not (sshd's fatal() text). */
    public static Optional<String> problem(Path dir) {
        if (!dir.isAbsolute()) {
            return Optional.of("chroot path does not begin at root");
        }
        Path component = dir.getRoot();
        Optional<String> bad = check(component, dir);
        for (int i = 0; bad.isEmpty() && i < dir.getNameCount(); i++) {
            component = component.resolve(dir.getName(i));
            bad = check(component, dir);
        }
        return bad;
    }

    /** sshd names each component above the directory with its trailing '/', and calls it one. */
    private static Optional<String> check(Path component, Path dir) {
        boolean last = component.equals(dir);
        String name = last || component.getParent() == null ? component.toString() : component + "/";
        String which = last ? "" : "component ";
        Stat st;
        try {
            st = Posix.get().stat(component.toString().getBytes(StandardCharsets.UTF_8));
        } catch (SysCallException e) {
            return Optional.of("stat(\"" + name + "\"): " + e.reason());
        }
        if (st.uid() != 0 || (st.mode() & GROUP_OR_OTHER_WRITE) != 0) {
            return Optional.of("bad ownership or modes for chroot directory " + which + "\"" + name + "\"");
        }
        if (!st.isDirectory()) {
            return Optional.of("chroot path " + which + "\"" + name + "\" is not a directory");
        }
        return Optional.empty();
    }
}
