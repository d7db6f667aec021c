// Reads native-endian integers out of a struct filled in by the kernel.
package dev.sftpd.sftp.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

final class NativeBytes {
    static final boolean X86_64 = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        case "aarch64", "riscv64", "loongarch64" -> false;
        default -> throw new ExceptionInInitializerError(
                "unsupported architecture " + System.getProperty("os.arch") + ": struct stat layout unknown");
    };

    private final ByteBuffer buf;

    NativeBytes(byte[] b) {
        buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    long u64(int off) {
        return buf.getLong(off);
    }

    int u32(int off) {
        return buf.getInt(off);
    }
}
