// One struct utmpx, built as OpenSSH's construct_utmpx() builds it, in glibc's x86_64 layout.
package dev.sftpd.monitor.login;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * The same bytes go to utmp (pututxline) and wtmp (updwtmpx). A logout keeps type, pid, line,
 * id and time only: user, host and address are blank, as in logout(3) and loginrec.c, and last
 * pairs it with the login by ut_line.
 *
 * <p>Layout measured with offsetof() on Debian 12 x86_64 (glibc 2.36), sizeof = 384:
 * ut_type 0 (short), ut_pid 4, ut_line 8 [32], ut_id 40 [4], ut_user 44 [32], ut_host 76 [256],
 * ut_exit 332 (e_termination 332, e_exit 334), ut_session 336, ut_tv 340 (tv_sec 340 and tv_usec
 * 344, both int32 so that 32- and 64-bit programs share the files), ut_addr_v6 348 [16],
 * __glibc_reserved 364 [20]. ut_exit and ut_session stay zero, as sshd leaves them.
 */
record Utmpx(short type, int pid, String line, String id, String user, String host, InetAddress address,
        Instant time) {
    static final int SIZE = 384;
    static final short USER_PROCESS = 7;
    static final short DEAD_PROCESS = 8;

    private static final int TYPE = 0;
    private static final int PID = 4;
    private static final int LINE = 8;
    private static final int LINE_SIZE = 32;
    private static final int ID = 40;
    private static final int ID_SIZE = 4;
    private static final int USER = 44;
    private static final int USER_SIZE = 32;
    private static final int HOST = 76;
    private static final int HOST_SIZE = 256;
    private static final int TV_SEC = 340;
    private static final int TV_USEC = 344;
    private static final int ADDR_V6 = 348;

    /** The login of session s in the utmp slot named id (ut_id, at most four characters). */
    static Utmpx login(Session s, String id) {
        return new Utmpx(USER_PROCESS, s.pid(), s.line(), id, s.user(), s.host(), s.address(), s.loginTime());
    }

    static Utmpx logout(Session s, String id, Instant time) {
        return login(s, id).ended(time);
    }

    /**
     * The record at {@code offset} of a utmp file's bytes, with what finding a stale session
     * needs: type, pid, line, id, user, host and time (not the address).
     */
    static Utmpx read(ByteBuffer file, int offset) {
        return new Utmpx(file.getShort(offset + TYPE), file.getInt(offset + PID),
                CString.read(file, offset + LINE, LINE_SIZE), CString.read(file, offset + ID, ID_SIZE),
                CString.read(file, offset + USER, USER_SIZE),
                CString.read(file, offset + HOST, HOST_SIZE), null,
                Instant.ofEpochSecond(Integer.toUnsignedLong(file.getInt(offset + TV_SEC)),
                        file.getInt(offset + TV_USEC) * 1000L));
    }

    /** The logout of this login, dated {@code time}: its slot in utmp marked dead, and a wtmp record. */
    Utmpx ended(Instant time) {
        return new Utmpx(DEAD_PROCESS, pid, line, id, "", "", null, time);
    }

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putShort(TYPE, type);
        b.putInt(PID, pid);
        CString.strlcpy(b, LINE, LINE_SIZE, line);
        CString.strncpy(b, ID, ID_SIZE, id);
        CString.strncpy(b, USER, USER_SIZE, user);
        CString.strncpy(b, HOST, HOST_SIZE, host);
        b.putInt(TV_SEC, (int) time.getEpochSecond());
        b.putInt(TV_USEC, time.getNano() / 1000);
        if (address != null) {
            // Network byte order: an IPv4 address fills ut_addr_v6[0], an IPv6 one all four words.
            // Java already turns an IPv4-mapped IPv6 address into IPv4, as loginrec.c does by hand.
            b.put(ADDR_V6, address.getAddress());
        }
        return b.array();
    }

    /** loginrec.c's line_abbrevname(): the last four characters of the line. */
    static String abbreviated(String line) {
        return line.substring(Math.max(0, line.length() - ID_SIZE));
    }
}
