// Confines the transport JVM, which parses untrusted SSH traffic, with TransportFilter on every thread.
package dev.sftpd.transport;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

public final class Seccomp {
    /** Public only because jnr-ffi implements it in another class loader. */
    @SaveError
    public interface Libc {
        @Variadic(fixedCount = 1)
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        @Variadic(fixedCount = 1)
        long syscall(long number, long operation, long flags, Pointer args);
    }

    private static final int PR_SET_DUMPABLE = 4;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_GET_NO_NEW_PRIVS = 39;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int SECCOMP_FILTER_FLAG_TSYNC = 1;

    private Seccomp() {}

    /**
     * Installs the filter on every thread of this JVM, for good; threads started later inherit it.
     *
     * @throws UnsupportedOperationException on an architecture without a syscall table, rather than run unconfined
     * @throws IllegalStateException when a thread could not be given the filter
     */
    public static void confine() throws SysCallException {
        var rules = TransportFilter.rulesFor(System.getProperty("os.arch"));
        Libc c = LibraryLoader.create(Libc.class).load(Posix.LIBC);
        Runtime runtime = Runtime.getRuntime(c);

        // Keeps other processes of the sftpd user from ptrace-attaching and from reading /proc/<pid>/mem; before
        // the filter, which refuses PR_SET_DUMPABLE so that nothing turns it back on.
        check(runtime, "prctl(PR_SET_DUMPABLE, 0)", c.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
        // setpriv --no-new-privs sets it for every thread before the JVM starts; without it, setting it on this
        // thread is enough, because TSYNC copies it to every thread the filter reaches.
        if (check(runtime, "prctl(PR_GET_NO_NEW_PRIVS)", c.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) == 0) {
            check(runtime, "prctl(PR_SET_NO_NEW_PRIVS, 1)", c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
        }

        Pointer program = TransportFilter.program(rules, (int) ProcessHandle.current().pid()).toSockFprog(runtime);
        long rc = check(runtime, "seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)",
                c.syscall(TransportFilter.SECCOMP_X86_64, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, program));
        if (rc != 0) {
            // Only a thread that installed a filter of its own can refuse the synchronisation.
            throw new IllegalStateException("seccomp: thread " + rc + " has a filter of its own and was not confined");
        }
    }

    private static long check(Runtime runtime, String call, long rc) throws SysCallException {
        if (rc == -1) {
            throw new SysCallException(call, LastError.getLastError(runtime));
        }
        return rc;
    }
}
