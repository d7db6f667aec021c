// struct statvfs as statvfs@openssh.com reports it.
package dev.sftpd.sftp.posix;

public record StatVfs(long bsize, long frsize, long blocks, long bfree, long bavail, long files,
                      long ffree, long favail, long fsid, long flag, long namemax) {
    public static final long ST_RDONLY = 1;
    public static final long ST_NOSUID = 2;

    static final int BUFFER_SIZE = 128;

    /** Every field is an unsigned long on 64-bit Linux, in declaration order. */
    static StatVfs decode(byte[] b) {
        NativeBytes n = new NativeBytes(b);
        return new StatVfs(n.u64(0), n.u64(8), n.u64(16), n.u64(24), n.u64(32), n.u64(40),
                n.u64(48), n.u64(56), n.u64(64), n.u64(72), n.u64(80));
    }
}
