// Linux-PAM's application calls, and the libc allocator its conversation replies must come from, bound with jnr-ffi.
package dev.sftpd.monitor.auth;

import dev.sftpd.sftp.posix.Posix;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.In;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;

/** Values from Linux-PAM's security/_pam_types.h. */
final class PamLibrary {
    static final int SUCCESS = 0;
    static final int BUF_ERR = 5;
    static final int NEW_AUTHTOK_REQD = 12;
    static final int CONV_ERR = 19;

    static final int SILENT = 0x8000;
    static final int DISALLOW_NULL_AUTHTOK = 0x1;
    static final int ESTABLISH_CRED = 0x2;
    static final int DELETE_CRED = 0x4;

    static final int ITEM_USER = 2;
    static final int ITEM_TTY = 3;
    static final int ITEM_RHOST = 4;

    static final int PROMPT_ECHO_OFF = 1;
    static final int PROMPT_ECHO_ON = 2;
    static final int ERROR_MSG = 3;
    static final int TEXT_INFO = 4;
    static final int MAX_NUM_MSG = 32;

    /** Public only because jnr-ffi implements it from another class loader; strings go in as {@link #cstring}. */
    public interface Functions {
        int pam_start(@In byte[] service, @In byte[] user, Pointer conv, PointerByReference pamh);
        int pam_end(Pointer pamh, int status);
        int pam_set_item(Pointer pamh, int type, @In byte[] value);
        int pam_get_item(Pointer pamh, int type, PointerByReference value);
        int pam_authenticate(Pointer pamh, int flags);
        int pam_acct_mgmt(Pointer pamh, int flags);
        int pam_setcred(Pointer pamh, int flags);
        int pam_open_session(Pointer pamh, int flags);
        int pam_close_session(Pointer pamh, int flags);
        Pointer pam_strerror(Pointer pamh, int errnum);
    }

    /** PAM free()s each reply and each answer, so they must come from the same malloc. */
    public interface Allocator {
        Pointer calloc(@size_t long count, @size_t long size);
        Pointer malloc(@size_t long size);
        void free(Pointer p);
    }

    /** struct pam_conv's function: {@code int (*)(int, const struct pam_message **, struct pam_response **, void *)}. */
    public interface ConversationFunction {
        @Delegate
        int call(int count, Pointer messages, Pointer responses, Pointer appdata);
    }

    static final Functions PAM = LibraryLoader.create(Functions.class).load("pam");
    static final Allocator LIBC = LibraryLoader.create(Allocator.class).load(Posix.LIBC);
    static final Runtime RUNTIME = Runtime.getRuntime(PAM);

    private PamLibrary() {}

    /** PAM's strings are whatever the system writes, which on Debian is UTF-8. */
    static byte[] cstring(String s) {
        return CString.of(s, StandardCharsets.UTF_8);
    }

    static String string(Pointer p) {
        return CString.read(p, StandardCharsets.UTF_8);
    }

    /** pam_strerror(3); the handle may be null, as before pam_start succeeded. */
    static String strerror(Pointer pamh, int status) {
        return string(PAM.pam_strerror(pamh, status));
    }
}
