// One struct lastlog, the per-uid "last login" slot that lastlog(8) and login(1) read.
package dev.sftpd.monitor.login;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * Layout measured with offsetof() on Debian 12 x86_64 (glibc 2.36), sizeof = 292: ll_time 0
 * (int32), ll_line 4 [32], ll_host 36 [256]. Fields are NUL-terminated, as loginrec.c's
 * lastlog_write_entry() copies them with strlcpy.
 */
record LastlogEntry(Instant time, String line, String host) {
    static final int SIZE = 292;

    private static final int TIME = 0;
    private static final int LINE = 4;
    private static final int LINE_SIZE = 32;
    private static final int HOST = 36;
    private static final int HOST_SIZE = 256;

    static LastlogEntry login(Session s) {
        return new LastlogEntry(s.loginTime(), s.line(), s.host());
    }

    /** The file is an array indexed by uid, sparse between the uids that ever logged in. */
    static long offset(int uid) {
        return Integer.toUnsignedLong(uid) * SIZE;
    }

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(TIME, (int) time.getEpochSecond());
        CString.strlcpy(b, LINE, LINE_SIZE, line);
        CString.strlcpy(b, HOST, HOST_SIZE, host);
        return b.array();
    }
}
