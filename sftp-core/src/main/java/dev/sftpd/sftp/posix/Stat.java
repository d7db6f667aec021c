// The fields of struct stat that SFTP attributes, long names and inode checks need.
package dev.sftpd.sftp.posix;

public record Stat(long dev, long ino, int mode, long nlink, int uid, int gid, long size,
                   long atime, long mtime) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFSOCK = 0140000;

    /** Size of the buffer handed to stat(2); generous for every 64-bit Linux layout. */
    static final int BUFFER_SIZE = 256;

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public boolean sameInode(Stat other) {
        return dev == other.dev && ino == other.ino;
    }

    /** Decodes the kernel's struct stat: x86_64 and the generic 64-bit layout (aarch64, riscv64). */
    static Stat decode(byte[] b) {
        NativeBytes n = new NativeBytes(b);
        if (NativeBytes.X86_64) {
            return new Stat(n.u64(0), n.u64(8), n.u32(24), n.u64(16), n.u32(28), n.u32(32),
                    n.u64(48), n.u64(72), n.u64(88));
        }
        return new Stat(n.u64(0), n.u64(8), n.u32(16), n.u32(20) & 0xffffffffL, n.u32(24), n.u32(28),
                n.u64(48), n.u64(72), n.u64(88));
    }
}
