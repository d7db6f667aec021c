// Confines the transport JVM, which parses untrusted SSH traffic, with TransportFilter on every thread.
package dev.sftpd.transport;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import dev.sftpd.sftp.posix.CFunction;
import dev.sftpd.sftp.posix.CLibrary;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;

public final class Seccomp {
    private static final class Libc extends CLibrary {
        /** (option, arg2, arg3, arg4, arg5) */
        final CFunction prctl = variadic("prctl", 1, Type.SINT, Type.SINT, Type.ULONG, Type.ULONG, Type.ULONG,
                Type.ULONG);
        /** (number, operation, flags, args) */
        final CFunction syscall = variadic("syscall", 1, Type.SLONG, Type.SLONG, Type.ULONG, Type.ULONG,
                Type.POINTER);

        Libc() {
            super(Posix.LIBC);
        }
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
        Libc c = new Libc();

        // Keeps other processes of the sftpd user from ptrace-attaching and from reading /proc/<pid>/mem; before
        // the filter, which refuses PR_SET_DUMPABLE so that nothing turns it back on.
        check("prctl(PR_SET_DUMPABLE, 0)", (int) c.prctl.call(PR_SET_DUMPABLE, 0, 0, 0, 0));
        // setpriv --no-new-privs sets it for every thread before the JVM starts; without it, setting it on this
        // thread is enough, because TSYNC copies it to every thread the filter reaches.
        if (check("prctl(PR_GET_NO_NEW_PRIVS)", (int) c.prctl.call(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) == 0) {
            check("prctl(PR_SET_NO_NEW_PRIVS, 1)", (int) c.prctl.call(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
        }

        MemoryIO memory = MemoryIO.getInstance();
        long program = TransportFilter.program(rules, (int) ProcessHandle.current().pid()).toSockFprog(memory);
        long rc;
        try {
            rc = check("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)", c.syscall.call(TransportFilter.SECCOMP_X86_64,
                    SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, program));
        } finally {
            memory.freeMemory(program); // the kernel has its own copy
        }
        if (rc != 0) {
            // Only a thread that installed a filter of its own can refuse the synchronisation.
            throw new IllegalStateException("seccomp: thread " + rc + " has a filter of its own and was not confined");
        }
    }

    private static long check(String call, long rc) throws SysCallException {
        if (rc == -1) {
            throw new SysCallException(call, CFunction.errno());
        }
        return rc;
    }
}
