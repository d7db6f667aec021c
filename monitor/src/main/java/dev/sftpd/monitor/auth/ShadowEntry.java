// A user's /etc/shadow entry as getspnam(3) returns it: the hash and the dates sshd's shadow checks read.
package dev.sftpd.monitor.auth;

import dev.sftpd.sftp.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * Dates are days since the epoch, periods are days, and -1 stands for a field the file leaves
 * empty. The hash is kept byte for byte (ISO-8859-1) because crypt(3) gets it back as its setting.
 */
record ShadowEntry(String name, String hash, long lastChange, long maxDays, long warnDays, long expires) {
    /** getspnam() returns a static buffer: one lookup at a time, fields copied before the lock is released. */
    private static final Object GETSPNAM = new Object();

    /** Public only because jnr-ffi implements it from another class loader. */
    public interface Functions {
        Pointer getspnam(@In byte[] name);
    }

    /** NSS may answer from elsewhere than /etc/shadow; only root can read the file itself. */
    static Optional<ShadowEntry> lookup(String name) {
        synchronized (GETSPNAM) {
            Pointer spwd = Native.C.getspnam(CString.of(name, StandardCharsets.UTF_8));
            return spwd == null ? Optional.empty() : Optional.of(read(spwd));
        }
    }

    /**
     * struct spwd: sp_namp and sp_pwdp, then sp_lstchg, sp_min, sp_max, sp_warn, sp_inact, sp_expire
     * (all long) and sp_flag. On x86_64 glibc offsetof gives 0, 8, then 16 + 8 * i; size 72.
     */
    private static ShadowEntry read(Pointer spwd) {
        int address = Native.RUNTIME.addressSize();
        int longSize = Native.RUNTIME.longSize();
        Pointer name = spwd.getPointer(0);
        Pointer hash = spwd.getPointer(address);
        long lastChange = spwd.getNativeLong(2L * address);
        long max = spwd.getNativeLong(2L * address + 2L * longSize);
        long warn = spwd.getNativeLong(2L * address + 3L * longSize);
        long expire = spwd.getNativeLong(2L * address + 5L * longSize);
        return new ShadowEntry(CString.read(name, StandardCharsets.UTF_8),
                hash == null ? "" : CString.read(hash, StandardCharsets.ISO_8859_1), lastChange, max, warn, expire);
    }

    /** Loaded on first lookup only, like Account's. */
    private static final class Native {
        static final Functions C = LibraryLoader.create(Functions.class).load(Posix.LIBC);
        static final Runtime RUNTIME = Runtime.getRuntime(C);
    }
}
