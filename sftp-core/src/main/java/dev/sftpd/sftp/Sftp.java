// SFTP v3 wire constants as OpenSSH uses them (draft-ietf-secsh-filexfer-02 plus its extensions).
package dev.sftpd.sftp;

import java.nio.ByteBuffer;

final class Sftp {
    static final int VERSION = 3;
    /** OpenSSH's SFTP_MAX_MSG_LENGTH: a longer message ends the session. */
    static final int MAX_MESSAGE = 256 * 1024;
    /** The most data one READ returns, leaving room for the reply header. */
    static final int MAX_READ = MAX_MESSAGE - 1024;
    /** A DATA reply's length, type, request id and data length. */
    static final int DATA_HEADER = 4 + 1 + 4 + 4;

    static final int FXP_INIT = 1;
    static final int FXP_VERSION = 2;
    static final int FXP_OPEN = 3;
    static final int FXP_CLOSE = 4;
    static final int FXP_READ = 5;
    static final int FXP_WRITE = 6;
    static final int FXP_LSTAT = 7;
    static final int FXP_FSTAT = 8;
    static final int FXP_SETSTAT = 9;
    static final int FXP_FSETSTAT = 10;
    static final int FXP_OPENDIR = 11;
    static final int FXP_READDIR = 12;
    static final int FXP_REMOVE = 13;
    static final int FXP_MKDIR = 14;
    static final int FXP_RMDIR = 15;
    static final int FXP_REALPATH = 16;
    static final int FXP_STAT = 17;
    static final int FXP_RENAME = 18;
    static final int FXP_READLINK = 19;
    static final int FXP_SYMLINK = 20;
    static final int FXP_STATUS = 101;
    static final int FXP_HANDLE = 102;
    static final int FXP_DATA = 103;
    static final int FXP_NAME = 104;
    static final int FXP_ATTRS = 105;
    static final int FXP_EXTENDED = 200;
    static final int FXP_EXTENDED_REPLY = 201;

    static final int FXF_READ = 0x01;
    static final int FXF_WRITE = 0x02;
    static final int FXF_APPEND = 0x04;
    static final int FXF_CREAT = 0x08;
    static final int FXF_TRUNC = 0x10;
    static final int FXF_EXCL = 0x20;

    static final int ATTR_SIZE = 0x01;
    static final int ATTR_UIDGID = 0x02;
    static final int ATTR_PERMISSIONS = 0x04;
    static final int ATTR_ACMODTIME = 0x08;
    static final int ATTR_EXTENDED = 0x80000000;

    /** statvfs@openssh.com flag bits. */
    static final long EXT_STATVFS_RDONLY = 0x1;
    static final long EXT_STATVFS_NOSUID = 0x2;

    private Sftp() {}

    /** Writes a DATA reply's header for n bytes of data into frame[0, DATA_HEADER). */
    static void dataHeader(ByteBuffer frame, int id, int n) {
        frame.putInt(0, DATA_HEADER - 4 + n).put(4, (byte) FXP_DATA).putInt(5, id).putInt(9, n);
    }
}
